package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/guest-inspect} run as a user would: bad images give exit 1 and one line naming the
 * file, with no qemu, process or temp file left behind.
 */
class GuestInspectIT {
    @TempDir
    Path tmp;
    MountTool tool;

    @BeforeEach
    void tool() {
        tool = new MountTool(tmp.resolve("work"));
    }

    @AfterEach
    void nothingLeft() throws InterruptedException {
        try {
            tool.assertNothingLeft();
        } finally {
            tool.close();
        }
    }

    private void assertFailsWith(String expectedLine, String... args) {
        MountTool.Result r = tool.guestInspect(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of(expectedLine), r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList(),
                r::toString);
        assertEquals("", r.out(), r::toString);
    }

    @Test
    void missingImage() {
        Path missing = tmp.resolve("missing.img");
        assertFailsWith("guest-inspect: " + missing + ": no such file", "-a", missing.toString());
    }

    @Test
    void directory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("a-directory"));
        assertFailsWith("guest-inspect: " + dir + ": is a directory, not a disk image", "-a", dir.toString());
    }

    @Test
    void emptyImageAmongGoodOnes() throws IOException {
        Path good = Files.write(tmp.resolve("good.img"), new byte[1 << 20]);
        Path empty = Files.createFile(tmp.resolve("empty.img"));
        assertFailsWith("guest-inspect: " + empty + ": is empty (0 bytes), not a disk image",
                "-a", good.toString(), "-a", empty.toString());
    }
}
