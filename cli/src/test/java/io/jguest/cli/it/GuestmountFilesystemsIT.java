package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One guestmount with every other filesystem and format, each under its own {@code -m}: an ext4 root
 * mounted with options ({@code -m /dev/sda:/:noatime}), FAT with options and an explicit type
 * ({@code -m /dev/sdb:/vfat:uid=1234,gid=1234:vfat}), XFS, NTFS (ntfs-3g in the appliance), an ext4
 * inside a qcow2 image (format detected) and, when the host can make one (root), an LVM logical volume.
 * Each is read and written through the mount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestmountFilesystemsIT {
    private MountTool tool;
    private Path mnt;
    private boolean lvm;

    @BeforeAll
    void mount(@TempDir Path tmp) throws Exception {
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        Path root = images.ext4("root.img", 16, "gmroot", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                images.tree("root", Map.of("root.txt", "on the root\n", "vfat/", "", "xfs/", "", "ntfs/", "",
                        "qcow2/", "", "lvm/", "")));
        Path vfat = images.vfat("vfat.img", 16, "GMVFAT", "0B0C0D0E", Map.of("readme.txt", "fat file\n", "sub/", ""));
        Path xfs = images.xfs("xfs.img", "gmxfs", "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e");
        Path ntfs = images.ntfs("ntfs.img", 16, "gmntfs", Map.of("hello.txt", "ntfs hello\n"));
        Path qcow2 = images.qcow2(images.ext4("inner.img", 16, "gmqcow", "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f",
                images.tree("inner", Map.of("in-qcow2.txt", "from qcow2\n"))), "disk.qcow2");
        List<String> args = new ArrayList<>(List.of("-a", root.toString(), "-a", vfat.toString(), "-a", xfs.toString(),
                "-a", ntfs.toString(), "-a", qcow2.toString(),
                "-m", "/dev/sda:/:noatime", "-m", "/dev/sdb:/vfat:uid=1234,gid=1234:vfat", "-m", "/dev/sdc:/xfs",
                "-m", "/dev/sdd:/ntfs", "-m", "/dev/sde:/qcow2"));
        String vg = "gmvg" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        lvm = Tool.run("id", "-u").stdout().strip().equals("0");
        if (lvm) {
            Path lvmDisk = images.lvm("lvm.img", 32, vg, "lv0", 12, "gmlv",
                    images.tree("lv", Map.of("on-lvm.txt", "inside a logical volume\n")));
            args.addAll(List.of("-a", lvmDisk.toString(), "-m", "/dev/" + vg + "/lv0:/lvm"));
        }
        mnt = tool.mount(tool.mountpoint("mnt"), args.toArray(String[]::new));
    }

    @AfterAll
    void unmount() throws Exception {
        try {
            if (mnt != null && MountTool.isMounted(mnt)) {
                MountTool.Result r = tool.guestunmount(mnt.toString());
                assertEquals(0, r.exitCode(), r::toString);
                tool.assertNothingLeft();
            }
        } finally {
            tool.close();
        }
    }

    @Test
    void ext4RootWithOptions() throws Exception {
        assertEquals("on the root\n", Files.readString(mnt.resolve("root.txt")));
        Files.writeString(mnt.resolve("written.txt"), "root write\n");
        assertEquals("root write\n", Files.readString(mnt.resolve("written.txt")));
    }

    @Test
    void vfatWithOptionsAndType() throws Exception {
        Path fat = mnt.resolve("vfat");
        assertEquals("fat file\n", Files.readString(fat.resolve("readme.txt")));
        assertEquals(1234, Files.getAttribute(fat.resolve("readme.txt"), "unix:uid"), "uid=1234 was not applied");
        assertTrue(Files.isDirectory(fat.resolve("sub")));
        Files.writeString(fat.resolve("sub/new.txt"), "fat write\n");
        assertEquals("fat write\n", Files.readString(fat.resolve("sub/new.txt")));
    }

    @Test
    void xfs() throws Exception {
        Path x = mnt.resolve("xfs");
        Files.createDirectories(x.resolve("a/b"));
        byte[] data = new byte[3 * 1_048_576 + 5];
        new java.util.Random(3).nextBytes(data);
        Files.write(x.resolve("a/b/big.bin"), data);
        assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(x.resolve("a/b/big.bin"))));
        assertEquals(List.of("a"), names(x));
    }

    @Test
    void ntfs() throws Exception {
        Path n = mnt.resolve("ntfs");
        assertEquals("ntfs hello\n", Files.readString(n.resolve("hello.txt")));
        Files.writeString(n.resolve("new.txt"), "ntfs write\n");
        assertEquals("ntfs write\n", Files.readString(n.resolve("new.txt")));
    }

    @Test
    void ext4InAQcow2Image() throws Exception {
        assertEquals("from qcow2\n", Files.readString(mnt.resolve("qcow2/in-qcow2.txt")));
    }

    @Test
    void lvmLogicalVolume() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(lvm, "LVM fixtures need root");
        assertEquals("inside a logical volume\n", Files.readString(mnt.resolve("lvm/on-lvm.txt")));
        Files.writeString(mnt.resolve("lvm/new.txt"), "lvm write\n");
        assertEquals("lvm write\n", Files.readString(mnt.resolve("lvm/new.txt")));
    }

    @Test
    void aBusyMountIsExit2AndFuserShowsWhoUsesIt() throws Exception {
        try (var open = java.nio.channels.FileChannel.open(mnt.resolve("root.txt"))) {
            MountTool.Result r = tool.guestunmount("--no-retry", mnt.toString());
            assertEquals(2, r.exitCode(), r::toString);
            List<String> lines = r.errLines();
            assertTrue(lines.getFirst().startsWith("guestunmount: failed to unmount " + mnt), r::toString);
            assertTrue(lines.getFirst().contains("busy"), r::toString);
            String me = Long.toString(ProcessHandle.current().pid());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" " + me + " ")), () -> "fuser should name pid " + me + "\n" + r);
            assertTrue(MountTool.isMounted(mnt));
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
