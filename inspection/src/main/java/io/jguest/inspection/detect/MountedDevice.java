package io.jguest.inspection.detect;

import io.jguest.inspection.hive.HiveValue;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One drive letter of a Windows {@code HKLM\SYSTEM\MountedDevices} key, decoded as libguestfs does.
 *
 * @param letter the letter as the value name has it ({@code C}; may be lower case)
 * @param kind   {@code mbr} or {@code gpt}
 * @param id     mbr: the disk signature, bytes 0..3 as a little-endian number in 8 lower-case hex
 *               digits (= blkid's PTUUID of a dos disk); gpt: the partition GUID, lower case
 *               8-4-4-4-12 (= the partition's PARTUUID)
 * @param offset mbr: the partition's first byte, decimal; gpt: {@code ""}
 */
public record MountedDevice(String letter, String kind, String id, String offset) {
    private static final byte[] GPT_PREFIX = {'D', 'M', 'I', 'O', ':', 'I', 'D', ':'};

    /**
     * Decodes a value: its name must be {@code \DosDevices\X:} (case-insensitive), its type
     * REG_BINARY, and its data 12 bytes (MBR: signature, le64 start in bytes) or at least 24 starting
     * {@code DMIO:ID:} (GPT: the partition GUID in Windows's mixed-endian layout).
     */
    public static Optional<MountedDevice> of(String name, int type, byte[] data) {
        if (name.length() < 14 || !name.substring(0, 12).equalsIgnoreCase("\\dosdevices\\")
                || !Character.isLetter(name.charAt(12)) || name.charAt(12) > 'z' || name.charAt(13) != ':') {
            return Optional.empty();
        }
        if (type != HiveValue.REG_BINARY) {
            return Optional.empty();
        }
        String letter = name.substring(12, 13);
        if (data.length >= 24 && startsWith(data, GPT_PREFIX)) {
            HexFormat hex = HexFormat.of();
            String guid = String.format("%08x-%04x-%04x-%s-%s", le(data, 8, 4), le(data, 12, 2), le(data, 14, 2),
                    hex.formatHex(data, 16, 18), hex.formatHex(data, 18, 24));
            return Optional.of(new MountedDevice(letter, "gpt", guid, ""));
        }
        if (data.length == 12) {
            return Optional.of(new MountedDevice(letter, "mbr", String.format("%08x", le(data, 0, 4)),
                    Long.toUnsignedString(le(data, 4, 8))));
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long le(byte[] data, int offset, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = v << 8 | (data[offset + i] & 0xff);
        }
        return v;
    }
}
