package io.jguest.daemon.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
    private static final String MOUNTINFO = """
            22 1 254:0 / / ro,relatime - ext4 /dev/vda ro
            29 22 0:39 / /sysroot rw - tmpfs jguest-sysroot rw
            30 29 8:1 / /sysroot rw - ext4 /dev/sda1 rw
            31 30 8:2 / /sysroot/boot rw - ext4 /dev/sda2 rw
            32 30 0:40 / /sysroot/with\\040space rw - fuseblk /dev/sda3 rw
            33 22 0:41 / /sysroot2 rw - tmpfs tmpfs rw
            """;

    @Test
    void mountPointsUnderTheSysrootDeepestFirstButNotTheApplianceTmpfs() {
        assertEquals(List.of("/sysroot/with space", "/sysroot/boot", "/sysroot"),
                MountTable.mountPointsUnder(MOUNTINFO, "/sysroot"));
        assertEquals(List.of(), MountTable.mountPointsUnder(MOUNTINFO, "/elsewhere"));
    }

    @Test
    void commands() {
        MountTable ntfs3g = new MountTable(new FakeCommandRunner("mount", "ntfs-3g"), Path.of("/proc/self/mountinfo"));
        Path target = Path.of("/sysroot");
        assertEquals(List.of("mount", "/dev/sda1", "/sysroot"), ntfs3g.command("/dev/sda1", target, "", null));
        assertEquals(List.of("mount", "-t", "ext4", "-o", "ro,noatime", "/dev/sda1", "/sysroot"),
                ntfs3g.command("/dev/sda1", target, "ro,noatime", "ext4"));
        assertEquals(List.of("ntfs-3g", "-o", "ro", "/dev/sda2", "/sysroot"),
                ntfs3g.command("/dev/sda2", target, "ro", "ntfs"));
        MountTable helper = new MountTable(new FakeCommandRunner("mount", "mount.ntfs-3g"), Path.of("/x"));
        assertEquals("mount.ntfs-3g", helper.command("/dev/sda2", target, null, "ntfs").getFirst());
        MountTable kernel = new MountTable(new FakeCommandRunner("mount"), Path.of("/x"));
        assertEquals(List.of("mount", "-t", "ntfs3", "/dev/sda2", "/sysroot"),
                kernel.command("/dev/sda2", target, null, "ntfs"));
    }

    @Test
    void failureIsEinvalWithStderr() {
        FakeCommandRunner runner = new FakeCommandRunner("mount")
                .answer("mount", 32, "", "mount: /sysroot: wrong fs type, bad option.\n");
        MountTable table = new MountTable(runner, Path.of("/x"));
        GuestFsException e = assertThrows(GuestFsException.class,
                () -> table.mount("/dev/sda1", "/", Path.of("/sysroot"), "", "ext4"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("/dev/sda1: mount: mount: /sysroot: wrong fs type, bad option. (EINVAL)", e.getMessage());
        assertEquals(List.of(), table.mounted());
    }
}
