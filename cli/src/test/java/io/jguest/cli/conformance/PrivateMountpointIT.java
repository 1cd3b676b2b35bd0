package io.jguest.cli.conformance;

import static io.jguest.cli.conformance.Python.As.NOBODY;
import static io.jguest.cli.conformance.Python.As.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jguest.cli.it.MountTool;
import io.jguest.cli.it.TestImages;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation: a guestmount is its owner's alone. Without {@code -o allow_other} another uid gets
 * EACCES for anything under the mountpoint, even a world-readable file (the FUSE kernel module's
 * rule); with it, that uid reads the file (and the kernel checks permissions: see the posix group).
 */
@DisplayName("isolation: private mountpoint")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivateMountpointIT {
    private MountTool tool;
    private Path image;

    @BeforeAll
    void image(@TempDir Path tmp) throws Exception {
        Python.reachable(tmp);
        tool = new MountTool(tmp);
        TestImages images = new TestImages(tmp);
        image = images.ext4("private.img", 16, "private", "8c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
                images.tree("content", Map.of("public.txt", "anyone may read this\n")));
    }

    @AfterAll
    void cleanUp() {
        tool.close();
    }

    @Test
    void anotherUserCannotReachAnythingWithoutAllowOther() throws Exception {
        onMount("private", false, mnt -> {
            Path file = mnt.resolve("public.txt");
            assertEquals("anyone may read this", Python.run(ROOT, "print(open(sys.argv[1]).read().strip())", file));
            assertEquals("644", Python.run(ROOT, "print('%o' % stat.S_IMODE(os.stat(sys.argv[1]).st_mode))", file));
            assertEquals("EACCES", Python.errno(NOBODY, "os.stat(sys.argv[1])", file));
            assertEquals("EACCES", Python.errno(NOBODY, "open(sys.argv[1]).read()", file));
            assertEquals("EACCES", Python.errno(NOBODY, "os.listdir(sys.argv[1])", mnt));
            assertEquals("EACCES", Python.errno(NOBODY, "os.stat(sys.argv[1])", mnt));
        });
    }

    @Test
    void withAllowOtherAnotherUserReadsAWorldReadableFile() throws Exception {
        onMount("shared", true, mnt -> {
            Path file = mnt.resolve("public.txt");
            assertEquals("anyone may read this", Python.run(NOBODY, "print(open(sys.argv[1]).read().strip())", file));
            assertEquals("EACCES", Python.errno(NOBODY, "open(sys.argv[1], 'a')", file));
        });
    }

    @FunctionalInterface
    private interface Check {
        void run(Path mountpoint) throws Exception;
    }

    /** Mounts the image (with {@code -o allow_other} or not), runs the check, unmounts whatever happened. */
    private void onMount(String name, boolean allowOther, Check check) throws Exception {
        Path mp = Python.reachable(tool.mountpoint(name));
        Path mnt = allowOther ? tool.mount(mp, "-a", image.toString(), "-m", "/dev/sda", "-o", "allow_other")
                : tool.mount(mp, "-a", image.toString(), "-m", "/dev/sda");
        try {
            check.run(mnt);
        } finally {
            MountTool.Result r = tool.guestunmount(mnt.toString());
            assertEquals(0, r.exitCode(), r::toString);
            tool.assertNoMountOrProcessLeft();
        }
    }
}
