package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jguest.api.BlockDevice;
import io.jguest.api.Errno;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.Partition;
import io.jguest.daemon.fs.Sysroot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalSession} on a fake {@code /sys/block} and {@code /dev}, with canned tool output. */
class LocalSessionTest {
    @TempDir
    Path dir;
    private Sysroot sysroot;
    private FakeCommandRunner runner;
    private LocalSession session;

    @BeforeEach
    void setUp() throws IOException {
        Path block = dir.resolve("sys/block");
        disk(block, "sda", 2097152, 0);
        partition(block.resolve("sda"), "sda1", 1, 2048, 204800);
        partition(block.resolve("sda"), "sda2", 2, 206848, 2);
        partition(block.resolve("sda"), "sda5", 5, 208896, 1000000);
        disk(block, "sdb", 4096, 1);
        disk(block, "vda", 999, 1); // the appliance's own disk: never listed
        Path dev = Files.createDirectories(dir.resolve("dev/mapper"));
        Files.createFile(dev.resolve("control"));
        Files.createFile(dev.resolve("vg0-root"));
        Files.createDirectories(dir.resolve("sysroot/mnt"));
        sysroot = Sysroot.open(dir.resolve("sysroot"));
        String d = dir.resolve("dev") + "/";
        runner = new FakeCommandRunner("blkid", "mount", "lvm")
                .answer("blkid -p -o export " + d + "sda " + d + "sdb", 0,
                        "DEVNAME=" + d + "sda\nPTUUID=badcafe\nPTTYPE=dos\n\nDEVNAME=" + d + "sdb\nTYPE=ext4\n", "")
                .answer("blkid -p -o export " + d + "sda1", 0, partitionProps(d + "sda1", "0x83", 1)
                        + "\n" + partitionProps(d + "sda2", "0x5", 2) + "\n" + partitionProps(d + "sda5", "0x8e", 5), "")
                .answer("blkid -c /dev/null -o export", 0, "DEVNAME=" + d + "sdb\nTYPE=ext4\nUUID=u-b\nLABEL=data\n\n"
                        + "DEVNAME=" + d + "sda1\nTYPE=xfs\nUUID=u-1\n\n"
                        + "DEVNAME=" + d + "sda5\nTYPE=LVM2_member\nUUID=u-5\n", "");
        session = new LocalSession(sysroot, runner, DeviceWait.none(), new SysBlock(block), dir.resolve("dev"),
                dir.resolve("mountinfo"), dir.resolve("inspect"));
    }

    private static String partitionProps(String device, String type, int n) {
        return "DEVNAME=" + device + "\nPART_ENTRY_SCHEME=dos\nPART_ENTRY_UUID=0badcafe-0" + n
                + "\nPART_ENTRY_TYPE=" + type + "\nPART_ENTRY_NUMBER=" + n + "\n";
    }

    private static void disk(Path block, String name, long sectors, int ro) throws IOException {
        Path d = Files.createDirectories(block.resolve(name));
        Files.writeString(d.resolve("size"), sectors + "\n");
        Files.writeString(d.resolve("ro"), ro + "\n");
    }

    private static void partition(Path disk, String name, int number, long start, long size) throws IOException {
        Path p = Files.createDirectories(disk.resolve(name));
        Files.writeString(p.resolve("partition"), number + "\n");
        Files.writeString(p.resolve("start"), start + "\n");
        Files.writeString(p.resolve("size"), size + "\n");
    }

    private String dev(String name) {
        return dir.resolve("dev").resolve(name).toString();
    }

    @Test
    void devices() throws Exception {
        assertEquals(List.of(new BlockDevice(dev("sda"), 2097152L * 512, false, "dos", "0badcafe"),
                new BlockDevice(dev("sdb"), 4096L * 512, true, null, null)), session.listDevices());
    }

    @Test
    void partitions() throws Exception {
        List<Partition> parts = session.listPartitions();
        assertEquals(3, parts.size());
        assertEquals(new Partition(dev("sda1"), dev("sda"), 1, 2048L * 512, 204800L * 512, "dos", "0x83",
                "0badcafe-01"), parts.getFirst());
        assertEquals(5, parts.get(2).number());
    }

    @Test
    void filesystemsSkipExtendedPartitionsAndIncludeLogicalVolumes() throws Exception {
        List<Filesystem> fs = session.listFilesystems();
        assertEquals(List.of(new Filesystem(dev("sdb"), "ext4", "data", "u-b"),
                new Filesystem(dev("sda1"), "xfs", "", "u-1"),
                new Filesystem(dev("sda5"), "LVM2_member", "", "u-5"),
                new Filesystem(dev("mapper/vg0-root"), "unknown", "", "")), fs);
    }

    @Test
    void missingDeviceIsEnoent() {
        GuestFsException e = assertThrows(GuestFsException.class,
                () -> session.mount("/dev/jguest-no-such-disk", "/", "", null));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("/dev/jguest-no-such-disk", e.path());
        assertTrue(e.getMessage().contains("no such device"), e.getMessage());
        assertEquals(Errno.EINVAL, assertThrows(GuestFsException.class,
                () -> session.mount("/etc/passwd", "/", "", null)).errno());
        assertEquals(Errno.ENOTBLK, assertThrows(GuestFsException.class,
                () -> session.mount("/dev/null", "/", "", null)).errno());
    }

    @Test
    void mountsInsideTheSysroot() throws Exception {
        String device = hostBlockDevice();
        Files.createSymbolicLink(dir.resolve("sysroot/escape"), Path.of("/"));
        assertEquals(Errno.ENOENT, assertThrows(GuestFsException.class,
                () -> session.mount(device, "/missing", "", "ext4")).errno());
        session.mount(device, "/escape/mnt", "ro", "ext4");
        assertEquals(List.of("mount", "-t", "ext4", "-o", "ro", device, sysroot.dir().resolve("mnt").toString()),
                runner.calls().getLast());
        Files.delete(dir.resolve("sysroot/escape"));
    }

    /** Some block device of this machine (the fake runner never really mounts it). */
    private static String hostBlockDevice() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/sys/block"))) {
            String name = s.map(p -> p.getFileName().toString()).filter(n -> Files.exists(Path.of("/dev", n)))
                    .findFirst().orElse(null);
            assumeTrue(name != null, "no block device on this machine");
            return "/dev/" + name;
        }
    }

    @Test
    void diskIds() {
        assertEquals("0badcafe", LocalSession.diskId("dos", "0xBADCAFE"));
        assertEquals("0a1b2c3d-0000-4000-8000-00000000000f",
                LocalSession.diskId("gpt", "0A1B2C3D-0000-4000-8000-00000000000F"));
        assertEquals(null, LocalSession.diskId("dos", null));
    }
}
