package io.jguest.appliance.launch;

import io.jguest.appliance.build.ToolRun;

import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Checks a user's drive before qemu sees it and settles its format, so that bad input gets one clear
 * line naming the file: missing, a directory, unreadable, empty, not a disk image, unknown format, a
 * broken backing chain.
 *
 * <p>Format detection reads only the header magic (qcow2, vmdk, vdi, vhdx, vpc, qed); anything else is
 * raw, which must be a whole number of 512-byte sectors to count as a disk image. Images with a header
 * are checked with {@code qemu-img info --backing-chain} so that a missing backing file is caught here.
 */
public final class DriveProbe {
    /** A drive with its absolute path and settled format. */
    public record Resolved(Path path, String format, boolean readOnly) {
    }

    private DriveProbe() {
    }

    public static List<Resolved> resolveAll(List<Drive> drives, QemuBinary qemu) throws ApplianceException {
        List<Resolved> out = new ArrayList<>();
        for (Drive d : drives) {
            out.add(resolve(d, qemu));
        }
        return out;
    }

    public static Resolved resolve(Drive drive, QemuBinary qemu) throws ApplianceException {
        Path path = drive.path().toAbsolutePath().normalize();
        String name = drive.path().toString();
        if (!Files.exists(path)) {
            throw new ApplianceException.BadDrive(name + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ApplianceException.BadDrive(name + ": is a directory, not a disk image");
        }
        if (!Files.isReadable(path)) {
            throw new ApplianceException.BadDrive(name + ": permission denied (cannot read)");
        }
        if (!drive.readOnly() && !Files.isWritable(path)) {
            throw new ApplianceException.BadDrive(name + ": permission denied (cannot write; use --ro to open it read-only)");
        }
        boolean blockDevice = !Files.isRegularFile(path);
        long size = blockDevice ? -1 : sizeOf(path, name);
        if (size == 0) {
            throw new ApplianceException.BadDrive(name + ": is empty (0 bytes), not a disk image");
        }
        String given = drive.format() == null ? null : drive.format().toLowerCase(Locale.ROOT);
        if (given != null && !Drive.FORMATS.contains(given)) {
            throw new ApplianceException.BadDrive(name + ": unknown format '" + drive.format() + "' (known: "
                    + String.join(", ", Drive.FORMATS.stream().sorted().toList()) + ")");
        }
        String detected = blockDevice ? "raw" : detect(path, name);
        String format = given != null ? given : detected;
        if (given == null && format.equals("raw") && size % 512 != 0) {
            throw new ApplianceException.BadDrive(name + ": not a disk image (no known image header, and its size "
                    + size + " is not a multiple of 512 bytes)");
        }
        if (!format.equals("raw")) {
            checkWithQemuImg(path, name, format, qemu);
        }
        return new Resolved(path, format, drive.readOnly());
    }

    private static long sizeOf(Path path, String name) throws ApplianceException {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new ApplianceException.BadDrive(name + ": cannot read its size: " + e.getMessage());
        }
    }

    /** The format named by the header magic, or {@code raw}. */
    static String detect(Path path, String name) throws ApplianceException {
        byte[] h = new byte[512];
        int n;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.wrap(h);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // fill the header
            }
            n = buf.position();
        } catch (IOException e) {
            throw new ApplianceException.BadDrive(name + ": cannot read: " + e.getMessage());
        }
        return detect(h, n);
    }

    static String detect(byte[] h, int n) {
        if (startsWith(h, n, 0, new byte[] {'Q', 'F', 'I', (byte) 0xfb})) {
            return "qcow2";
        }
        if (startsWith(h, n, 0, "QED\0".getBytes(StandardCharsets.ISO_8859_1))) {
            return "qed";
        }
        if (startsWith(h, n, 0, "KDMV".getBytes(StandardCharsets.ISO_8859_1))
                || startsWith(h, n, 0, "# Disk DescriptorFile".getBytes(StandardCharsets.ISO_8859_1))) {
            return "vmdk";
        }
        if (startsWith(h, n, 0, "vhdxfile".getBytes(StandardCharsets.ISO_8859_1))) {
            return "vhdx";
        }
        if (startsWith(h, n, 0, "conectix".getBytes(StandardCharsets.ISO_8859_1))) {
            return "vpc";
        }
        if (n >= 0x44 && (h[0x40] & 0xff) == 0x7f && (h[0x41] & 0xff) == 0x10 && (h[0x42] & 0xff) == 0xda
                && (h[0x43] & 0xff) == 0xbe) {
            return "vdi";
        }
        return "raw";
    }

    private static boolean startsWith(byte[] h, int n, int off, byte[] magic) {
        if (n < off + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (h[off + i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code qemu-img} beside the qemu binary, else in /usr/bin; null when there is none. */
    static Path qemuImg(QemuBinary qemu) {
        Path qemuImg = qemu.path().resolveSibling("qemu-img");
        if (Files.isExecutable(qemuImg)) {
            return qemuImg;
        }
        qemuImg = Path.of("/usr/bin/qemu-img");
        return Files.isExecutable(qemuImg) ? qemuImg : null;
    }

    private static void checkWithQemuImg(Path path, String name, String format, QemuBinary qemu) throws ApplianceException {
        Path qemuImg = qemuImg(qemu);
        if (qemuImg == null) {
            return; // qemu itself will report a broken image, with less precision
        }
        try {
            ToolRun info = ToolRun.run(List.of(qemuImg.toString(), "info", "-U", "--backing-chain", "-f", format,
                    path.toString()), Duration.ofSeconds(30));
            if (info.exitCode() != 0) {
                String line = info.output().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("invalid image")
                        .strip();
                line = line.replaceFirst("^qemu-img: ", "");
                throw new ApplianceException.BadDrive(name + ": not a valid " + format + " image: " + line);
            }
        } catch (TimeoutException e) {
            throw new ApplianceException.BadDrive(name + ": qemu-img info did not finish");
        } catch (IOException e) {
            throw new ApplianceException.BadDrive(name + ": cannot check the image: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException.BadDrive(name + ": interrupted while checking the image");
        }
    }
}
