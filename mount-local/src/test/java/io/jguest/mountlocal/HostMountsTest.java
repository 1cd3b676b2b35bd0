package io.jguest.mountlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host mount table and the mountpoint checks made before any mount. */
class HostMountsTest {
    @TempDir
    Path tmp;

    @Test
    void findsFuseMountsWithEscapedSpaces() {
        HostMounts t = HostMounts.parse(List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "99 22 0:55 / /mnt/my\\040guest rw,nosuid,nodev,relatime shared:90 - fuse.jguest disk.img rw,user_id=0",
                "garbage"));
        MountInfo e = t.at(Path.of("/mnt/my guest")).orElseThrow();
        assertEquals("fuse.jguest", e.type());
        assertEquals("disk.img", e.source());
        assertEquals("0:55", e.device());
        assertTrue(HostMounts.isFuse(e));
        assertFalse(HostMounts.isFuse(t.at(Path.of("/")).orElseThrow()));
        assertTrue(t.at(Path.of("/mnt")).isEmpty());
    }

    @Test
    void theTopmostMountWins() {
        HostMounts t = HostMounts.parse(List.of("30 1 0:1 / /m rw - tmpfs tmpfs rw", "31 30 0:2 / /m rw - fuse.jguest x rw"));
        assertEquals("fuse.jguest", t.at(Path.of("/m")).orElseThrow().type());
    }

    @Test
    void theCurrentTableHasTheRoot() throws IOException {
        assertTrue(HostMounts.read().at(Path.of("/")).isPresent());
    }

    @Test
    void anEmptyDirectoryPassesAsItsCanonicalPath() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("mnt"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        assertEquals(dir.toRealPath(), HostMountpoint.check(link, HostMounts.parse(List.of())));
    }

    @Test
    void eachBadMountpointIsOneLineNamingItAsGiven() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path full = Files.createDirectory(tmp.resolve("full"));
        Files.writeString(full.resolve("f"), "x");
        Path mounted = Files.createDirectory(tmp.resolve("mounted"));
        HostMounts mounts = HostMounts.parse(List.of("31 30 0:2 / " + mounted.toRealPath() + " rw - fuse.jguest disk.img rw"));
        assertFails(tmp.resolve("missing"), mounts, "mountpoint does not exist");
        assertFails(file, mounts, "mountpoint is not a directory");
        assertFails(full, mounts, "mountpoint is not empty");
        assertFails(mounted, mounts, "is already a mount point (fuse.jguest from disk.img): unmount it first");
    }

    private static void assertFails(Path given, HostMounts mounts, String why) {
        MountException e = assertThrows(MountException.class, () -> HostMountpoint.check(given, mounts));
        assertTrue(e.getMessage().startsWith(given + ": ") && e.getMessage().contains(why), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aDeadMountpointKeepsItsNameUnderTheResolvedParent() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        assertEquals(dir.toRealPath().resolve("gone"), HostMountpoint.canonicalOrAbsolute(link.resolve("gone")));
    }
}
