package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.CliRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code jguest list}, {@code ls} and {@code cat} end to end on a small MBR disk (one launch each). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
    static final String EXT4_UUID = "44444444-5555-4666-8777-888888888888";

    private Path disk;
    private String hash;

    @BeforeAll
    void makeDisk(@TempDir Path tmp) {
        TestImages images = new TestImages(tmp);
        disk = images.partitioned("disk.img", 40, """
                label: dos
                label-id: 0xcafe0001
                start=2048, size=20480, type=83
                start=22528, type=c
                """);
        images.ext4Into(disk, 2048L * 512, 20480L * 512, "cli-root", EXT4_UUID,
                images.tree("root", Map.of("hello.txt", "Hello, jguest!\n", "docs/", "", "docs/a.md", "# A\n",
                        "data/", "")));
        images.vfatInto(disk, 22528, 40 * TestImages.MIB / 512 - 22528, "CLIDATA", "00C0FFEE",
                Map.of("fat.txt", "from fat\n"));
        hash = TestImages.sha256(disk);
    }

    @Test
    void listShowsPartitionsAndFilesystems() {
        CliRun r = CliRun.run("list", "-a", disk.toString(), "--ro");
        assertEquals(0, r.exitCode(), r::toString);
        for (String s : List.of("/dev/sda", "cafe0001", disk.toString(), "/dev/sda1", "/dev/sda2", "1048576", "ext4",
                "cli-root", EXT4_UUID, "vfat", "CLIDATA")) {
            assertTrue(r.out().contains(s), () -> s + " missing\n" + r);
        }
        assertEquals(hash, TestImages.sha256(disk));
    }

    @Test
    void lsListsARootDirectory() {
        CliRun r = CliRun.run("ls", "-a", disk.toString(), "-m", "/dev/sda1", "/");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> names = r.out().lines().toList();
        assertTrue(names.containsAll(List.of("data", "docs", "hello.txt", "lost+found")), r::toString);
    }

    @Test
    void catReadsFilesFromTwoMountedFilesystems() {
        CliRun r = CliRun.run("cat", "-a", disk.toString(), "-m", "/dev/sda1", "-m", "/dev/sda2:/data",
                "/hello.txt", "/data/fat.txt");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("Hello, jguest!\nfrom fat\n", r.out());
        assertEquals(hash, TestImages.sha256(disk));
    }

    @Test
    void catOfAMissingFileIsOneLine() {
        CliRun r = CliRun.run("cat", "-a", disk.toString(), "-m", "/dev/sda1", "/missing.txt");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.errLines().getFirst().startsWith("jguest: "), r::toString);
        assertTrue(r.errLines().getFirst().contains("/missing.txt"), r::toString);
        assertTrue(Appliances.qemuDescendants().isEmpty(), "qemu left behind");
    }
}
