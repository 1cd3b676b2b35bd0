package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to guestmount and guestunmount, run as a user would (the scripts; guestmount's failures
 * after the checks come from its background child): each gives libguestfs's exit code and one line
 * naming the file or option ({@code -m} failures add the filesystems found as hints); nothing is
 * mounted, no guestmount or qemu is left, no temp file, and a {@code --ro} image is unchanged.
 */
class GuestmountBadInputIT {
    @TempDir
    Path tmp;
    private MountTool tool;
    private Path mnt;
    private Path image;
    private String hash;

    @BeforeEach
    void setUp() {
        tool = new MountTool(tmp);
        mnt = tool.mountpoint("mnt");
        TestImages images = new TestImages(tmp);
        image = images.ext4("disk.img", 16, "gmbad", "5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8a9b",
                images.tree("content", Map.of("hello.txt", "hello\n")));
        hash = TestImages.sha256(image);
    }

    @AfterEach
    void nothingLeft() throws InterruptedException {
        try {
            tool.assertNothingLeft();
            assertEquals(hash, TestImages.sha256(image), "the image changed");
        } finally {
            tool.close();
        }
    }

    private MountTool.Result assertFails(int code, List<String> fragments, String... args) {
        MountTool.Result r = tool.guestmount(args);
        assertEquals(code, r.exitCode(), r::toString);
        List<String> lines = r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList();
        assertEquals(1, lines.size(), () -> "one line expected\n" + r);
        assertTrue(lines.getFirst().startsWith("guestmount: "), r::toString);
        for (String f : fragments) {
            assertTrue(lines.getFirst().contains(f), () -> "'" + f + "' expected\n" + r);
        }
        assertEquals("", r.out(), r::toString);
        return r;
    }

    @Test
    void mountpointMissing() {
        Path missing = tmp.resolve("missing");
        assertFails(1, List.of(missing.toString(), "does not exist"), "-a", image.toString(), "-m", "/dev/sda",
                missing.toString());
    }

    @Test
    void mountpointNotADirectory() {
        assertFails(1, List.of(image.toString(), "not a directory"), "-a", image.toString(), "-m", "/dev/sda",
                image.toString());
    }

    @Test
    void mountpointNotEmpty() throws IOException {
        Files.writeString(mnt.resolve("file"), "x");
        assertFails(1, List.of(mnt.toString(), "not empty"), "-a", image.toString(), "-m", "/dev/sda", mnt.toString());
    }

    @Test
    void mountpointAlreadyAMount() {
        assertFails(1, List.of("/proc", "already a mount point"), "-a", image.toString(), "-m", "/dev/sda", "/proc");
    }

    @Test
    void noDrive() {
        assertFails(1, List.of("--add"), "-m", "/dev/sda", mnt.toString());
    }

    @Test
    void noMount() {
        assertFails(1, List.of("-m"), "-a", image.toString(), mnt.toString());
    }

    @Test
    void readOnlyWithReadWrite() {
        assertFails(1, List.of("--ro", "--rw"), "--ro", "-w", "-a", image.toString(), "-m", "/dev/sda", mnt.toString());
    }

    @Test
    void unknownOption() {
        assertFails(1, List.of("--bogus"), "--bogus", "-a", image.toString(), "-m", "/dev/sda", mnt.toString());
    }

    @Test
    void missingImage() {
        Path missing = tmp.resolve("missing.img");
        assertFails(1, List.of("missing.img"), "-a", missing.toString(), "-m", "/dev/sda", mnt.toString());
    }

    @Test
    void deviceThatDoesNotExistListsTheFilesystemsFound() {
        MountTool.Result r = tool.guestmount("--ro", "-a", image.toString(), "-m", "/dev/sdz9", mnt.toString());
        assertEquals(1, r.exitCode(), r::toString);
        List<String> lines = r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList();
        assertTrue(lines.getFirst().startsWith("guestmount: -m /dev/sdz9: "), r::toString);
        assertTrue(lines.stream().skip(1).anyMatch(l -> l.contains("/dev/sda") && l.contains("ext4")),
                () -> "hints expected\n" + r);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("guestmount: ")), r::toString);
    }

    @Test
    void filesystemThatDoesNotMount() {
        // an ext4 filesystem mounted as XFS
        MountTool.Result r = tool.guestmount("--ro", "-a", image.toString(), "-m", "/dev/sda:/::xfs", mnt.toString());
        assertEquals(1, r.exitCode(), r::toString);
        List<String> lines = r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList();
        assertTrue(lines.getFirst().startsWith("guestmount: -m /dev/sda:/::xfs: "), r::toString);
        assertTrue(lines.stream().skip(1).anyMatch(l -> l.contains("/dev/sda (ext4")), () -> "hints expected\n" + r);
    }

    @Test
    void guestunmountOfADirectoryThatIsNotMountedExits3() {
        MountTool.Result r = tool.guestunmount(mnt.toString());
        assertEquals(3, r.exitCode(), r::toString);
        assertEquals(List.of("guestunmount: " + mnt + " is not mounted"), r.errLines(), r::toString);
        MountTool.Result quiet = tool.guestunmount("-q", mnt.toString());
        assertEquals(3, quiet.exitCode(), quiet::toString);
        assertEquals(List.of(), quiet.errLines(), quiet::toString);
    }
}
