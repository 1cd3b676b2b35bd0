package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad drives through the command line: each gives exit 1 and one line naming the file, and leaves
 * no qemu behind.
 */
class BadInputIT {
    @TempDir
    Path tmp;

    @AfterEach
    void noQemuLeft() throws InterruptedException {
        // qemu is reaped asynchronously after a kill: give it a moment
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcessHandle> left = Appliances.qemuDescendants();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = Appliances.qemuDescendants();
        }
        assertTrue(left.isEmpty(), () -> "qemu left behind: " + Appliances.qemuDescendants().stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    }

    private static CliRun assertFailsNaming(Path file, String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line expected\n" + r);
        String line = r.errLines().getFirst();
        assertTrue(line.startsWith("jguest: "), r::toString);
        assertTrue(line.contains(file.getFileName().toString()), () -> "the line should name " + file + "\n" + r);
        assertEquals("", r.out(), r::toString);
        return r;
    }

    @Test
    void missingImage() {
        Path missing = tmp.resolve("missing.img");
        assertFailsNaming(missing, "list", "-a", missing.toString());
    }

    @Test
    void directory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("a-directory"));
        assertFailsNaming(dir, "list", "-a", dir.toString());
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.img"));
        assertFailsNaming(empty, "list", "-a", empty.toString());
    }

    @Test
    void textFileIsNotADiskImage() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.txt"), "These are my notes, not a disk image.\n".repeat(20));
        assertFailsNaming(text, "list", "-a", text.toString());
    }

    @Test
    void unknownFormat() throws IOException {
        Path img = new TestImages(tmp).blank("fine.img", TestImages.MIB);
        assertFailsNaming(img, "list", "--format", "nonsense", "-a", img.toString());
    }

    @Test
    void qcow2WithMissingBackingFile() {
        Path overlay = new TestImages(tmp).qcow2WithMissingBacking("overlay.qcow2");
        CliRun r = assertFailsNaming(overlay, "list", "-a", overlay.toString());
        assertTrue(r.err().contains("backing") || r.err().contains("overlay.qcow2.base.img"), r::toString);
    }
}
