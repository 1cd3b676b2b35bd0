package io.jguest.cli.it;

import static io.jguest.cli.it.Tool.cmd;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds small disk images with host tools, without root (except LVM), in one directory (a
 * {@code @TempDir}). Images are sparse. Every tool call is checked: a failure names the command and
 * carries its stderr.
 *
 * <p>File trees are given as maps from relative path to content; a path ending in {@code /} is a
 * directory, a content starting with {@code "-> "} makes a symlink.
 */
public final class TestImages {
    static final long MIB = 1L << 20;
    static final int SECTOR = 512;
    /** GPT type GUID of a Linux filesystem partition. */
    static final String GPT_LINUX = "0fc63daf-8483-4772-8e79-3d69d8477de4";
    /** GPT type GUID of a Microsoft basic data partition. */
    static final String GPT_MS_DATA = "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7";

    private final Path dir;

    public TestImages(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes a file tree into {@code dir/name} and returns that directory. */
    public Path tree(String name, Map<String, String> files) {
        Path root = dir.resolve(name);
        try {
            Files.createDirectories(root);
            for (var e : new TreeMap<>(files).entrySet()) {
                Path p = root.resolve(e.getKey());
                if (e.getKey().endsWith("/")) {
                    Files.createDirectories(p);
                    continue;
                }
                Files.createDirectories(p.getParent());
                if (e.getValue().startsWith("-> ")) {
                    Files.createSymbolicLink(p, Path.of(e.getValue().substring(3)));
                } else {
                    Files.writeString(p, e.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    /** A sparse file of the given size. */
    public Path blank(String name, long size) {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * A bare ext4 filesystem image ({@code mkfs.ext4 -d}): 256-byte inodes, so times have
     * nanoseconds and xattrs fit.
     */
    public Path ext4(String name, long sizeMiB, String label, String uuid, Path content) {
        Path img = blank(name, sizeMiB * MIB);
        List<String> c = cmd("mkfs.ext4", "-q", "-F", "-I", "256", "-L", label, "-U", uuid);
        if (content != null) {
            c.addAll(List.of("-d", content.toString()));
        }
        c.add(img.toString());
        Tool.run(Map.of(), null, c);
        return img;
    }

    /** An ext4 filesystem written into {@code disk} at a byte offset (built apart, then copied in). */
    public void ext4Into(Path disk, long offset, long size, String label, String uuid, Path content) {
        Path part = ext4(disk.getFileName() + ".part", size / MIB, label, uuid, content);
        copyInto(part, disk, offset);
    }

    /** A bare FAT image with a label, a volume id (8 hex digits: UUID {@code XXXX-XXXX}) and files. */
    public Path vfat(String name, long sizeMiB, String label, String volumeId, Map<String, String> files) {
        Path img = blank(name, sizeMiB * MIB);
        Tool.run("mkfs.vfat", "-n", label, "-i", volumeId, img.toString());
        mcopy(img.toString(), files);
        return img;
    }

    /** A FAT filesystem written inside {@code disk} at a sector offset (mkfs.vfat --offset, mtools @@). */
    public void vfatInto(Path disk, long startSector, long sectors, String label, String volumeId, Map<String, String> files) {
        Tool.run("mkfs.vfat", "-n", label, "-i", volumeId, "--offset", Long.toString(startSector), disk.toString(),
                Long.toString(sectors / 2));
        mcopy(disk + "@@" + startSector * SECTOR, files);
    }

    private void mcopy(String image, Map<String, String> files) {
        Map<String, String> env = Map.of("MTOOLS_SKIP_CHECK", "1");
        for (var e : new TreeMap<>(files).entrySet()) {
            String target = "::/" + e.getKey().replaceAll("/$", "");
            if (e.getKey().endsWith("/")) {
                Tool.run(env, null, cmd("mmd", "-i", image, target));
            } else {
                Path src = writeTemp(e.getValue());
                Tool.run(env, null, cmd("mcopy", "-i", image, src.toString(), target));
            }
        }
    }

    /** An empty XFS image (XFS needs at least 300 MiB; sparse, so cheap). */
    public Path xfs(String name, String label, String uuid) {
        Path img = blank(name, 300 * MIB);
        Tool.run("mkfs.xfs", "-q", "-f", "-L", label, "-m", "uuid=" + uuid, img.toString());
        return img;
    }

    /** An NTFS image ({@code mkntfs -F -Q}) with files at its root copied in by {@code ntfscp}. */
    public Path ntfs(String name, long sizeMiB, String label, Map<String, String> files) {
        Path img = blank(name, sizeMiB * MIB);
        Tool.run("mkntfs", "-F", "-Q", "-q", "-L", label, img.toString());
        for (var e : files.entrySet()) {
            Tool.run("ntfscp", "-q", img.toString(), writeTemp(e.getValue()).toString(), "/" + e.getKey());
        }
        return img;
    }

    /** A disk of {@code sizeMiB} partitioned by an {@code sfdisk} script. */
    public Path partitioned(String name, long sizeMiB, String sfdiskScript) {
        Path img = blank(name, sizeMiB * MIB);
        Path script = writeTemp(sfdiskScript);
        Tool.run(Map.of(), script, cmd("sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", img.toString()));
        return img;
    }

    /** {@code qemu-img convert -O qcow2} of a raw image. */
    public Path qcow2(Path raw, String name) {
        Path out = dir.resolve(name);
        Tool.run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw.toString(), out.toString());
        return out;
    }

    /** A qcow2 overlay whose raw backing file has been deleted. Returns the overlay. */
    public Path qcow2WithMissingBacking(String name) {
        Path base = blank(name + ".base.img", 16 * MIB);
        Path overlay = dir.resolve(name);
        Tool.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", base.toString(), "-F", "raw", overlay.toString());
        try {
            Files.delete(base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return overlay;
    }

    /**
     * A disk holding one LVM volume group {@code vg} with one linear logical volume {@code lv}
     * ({@code lvMiB}), formatted ext4 with {@code content}. Needs root and a loop device (skips the
     * test otherwise); does not need device-mapper on the host: the LV is created inactive and its
     * filesystem written at the physical volume's first extent.
     */
    public Path lvm(String name, long diskMiB, String vg, String lv, long lvMiB, String label, Path content) {
        Assumptions.assumeTrue(Tool.run("id", "-u").stdout().strip().equals("0"), "LVM fixtures need root (losetup)");
        Path img = blank(name, diskMiB * MIB);
        String loop;
        try {
            loop = Tool.run("losetup", "--find", "--show", img.toString()).stdout().strip();
        } catch (AssertionError e) {
            Assumptions.abort("no loop device for the LVM fixture: " + e.getMessage());
            throw e;
        }
        Map<String, String> env = Map.of("LVM_SUPPRESS_FD_WARNINGS", "1");
        String config = "devices { filter = [ \"a|^" + loop + "$|\", \"r|.*|\" ] } "
                + "activation { udev_sync = 0 udev_rules = 0 } backup { backup = 0 archive = 0 }";
        long peStart;
        try {
            Tool.run(env, null, cmd("pvcreate", "-q", "--config", config, loop));
            Tool.run(env, null, cmd("vgcreate", "-q", "--config", config, vg, loop));
            // inactive, no zeroing, no signature wiping: no device-mapper needed on the host
            Tool.run(env, null, cmd("lvcreate", "-q", "--driverloaded", "n", "--config", config, "-an", "-Zn", "-Wn",
                    "-L", lvMiB + "M", "-n", lv, vg));
            peStart = Long.parseLong(Tool.run(env, null, cmd("pvs", "--config", config, "-o", "pe_start", "--units", "b",
                    "--nosuffix", "--noheadings", loop)).stdout().strip());
        } finally {
            Tool.run("losetup", "-d", loop);
        }
        ext4Into(img, peStart, lvMiB * MIB, label, "33333333-4444-5555-6666-777777777777", content);
        return img;
    }

    /**
     * Copies {@code part} into {@code disk} at {@code offset} without truncating it. Zero blocks are
     * skipped to keep the disk sparse, so the target region must be zeros (a fresh blank disk).
     */
    public void copyInto(Path part, Path disk, long offset) {
        try (RandomAccessFile out = new RandomAccessFile(disk.toFile(), "rw");
             InputStream in = Files.newInputStream(part)) {
            byte[] buf = new byte[1 << 20];
            long pos = offset;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                if (!isZero(buf, n)) { // keep the disk sparse
                    out.seek(pos);
                    out.write(buf, 0, n);
                }
                pos += n;
            }
            Files.delete(part);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isZero(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private Path writeTemp(String content) {
        try {
            Path p = Files.createTempFile(dir, "content-", ".tmp");
            Files.writeString(p, content, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
