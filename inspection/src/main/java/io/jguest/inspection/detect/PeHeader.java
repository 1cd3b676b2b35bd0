package io.jguest.inspection.detect;

import java.util.Optional;

/**
 * The architecture of a Windows PE executable ({@code cmd.exe}): the DOS header's {@code MZ} and
 * {@code e_lfanew}, then {@code PE\0\0} and the COFF header's Machine.
 */
public final class PeHeader {
    /** Bytes of the DOS header needed: up to and including e_lfanew at 0x3c. */
    public static final int DOS_HEADER_SIZE = 64;
    /** Bytes read at e_lfanew: the signature, the COFF header (20 bytes) and the optional header's magic. */
    public static final int PE_HEADER_SIZE = 4 + 20 + 2;

    private PeHeader() {
    }

    /** The offset of the PE signature (e_lfanew), or empty when this is not an MZ executable. */
    public static Optional<Long> peOffset(byte[] dos) {
        if (dos.length < DOS_HEADER_SIZE || dos[0] != 'M' || dos[1] != 'Z') {
            return Optional.empty();
        }
        long offset = (dos[0x3c] & 0xffL) | (dos[0x3d] & 0xffL) << 8 | (dos[0x3e] & 0xffL) << 16 | (dos[0x3f] & 0xffL) << 24;
        return offset >= DOS_HEADER_SIZE - 4 ? Optional.of(offset) : Optional.empty();
    }

    /**
     * The architecture from the bytes at e_lfanew: Machine 0x14c i386, 0x8664 x86_64, 0xaa64 aarch64,
     * 0x1c4 arm; another machine falls back to the optional header's magic (PE32 i386, PE32+ x86_64),
     * which is all libguestfs looks at.
     */
    public static Optional<String> arch(byte[] pe) {
        if (pe.length < 6 || pe[0] != 'P' || pe[1] != 'E' || pe[2] != 0 || pe[3] != 0) {
            return Optional.empty();
        }
        int machine = (pe[4] & 0xff) | (pe[5] & 0xff) << 8;
        String arch = switch (machine) {
            case 0x14c -> "i386";
            case 0x8664 -> "x86_64";
            case 0xaa64 -> "aarch64";
            case 0x1c0, 0x1c2, 0x1c4 -> "arm";
            default -> null;
        };
        if (arch == null && pe.length >= PE_HEADER_SIZE) {
            int magic = (pe[24] & 0xff) | (pe[25] & 0xff) << 8;
            arch = switch (magic) {
                case 0x10b -> "i386";
                case 0x20b -> "x86_64";
                default -> null;
            };
        }
        return Optional.ofNullable(arch);
    }
}
