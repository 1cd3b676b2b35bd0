package io.jguest.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jguest.cli.it.MountTool;
import io.jguest.cli.it.TestImages;
import io.jguest.cli.it.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data integrity under load, through a real read-write guestmount of an ext4 image: Debian's
 * {@code fio} with {@code verify=crc32c} (one sequential writer, then several random writers at once,
 * each reading back and checking what it wrote) and {@code stress-ng} filesystem stressors with
 * {@code --verify}. Then the proof that the image holds it: guestunmount (which returns only when the
 * image is safe), {@code e2fsck -fn}, every file the load left compared byte for byte through a fresh
 * read-only mount against a copy read through the read-write mount, and fio's checksums verified
 * again there. Lost bytes must be 0; every step runs under a bound (a timeout fails as a hang); no
 * process may be left. Sizes are small in CI, larger with {@code jguest.conformance.full}.
 */
@DisplayName("integrity")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IntegrityConformanceIT {
    private static final boolean FULL = Boolean.getBoolean("jguest.conformance.full");
    /** fio's sequential job: one file of this size, written in 128 KiB blocks. */
    private static final String SEQ_SIZE = FULL ? "384m" : "32m";
    /** fio's random job: this many writers at once, each on its own file of RAND_SIZE in 4 KiB blocks. */
    private static final int RAND_JOBS = FULL ? 4 : 3;
    private static final String RAND_SIZE = FULL ? "16m" : "4m";
    private static final String SEQ_BS = "128k";
    private static final String RAND_BS = "4k";
    /** How long the stress-ng stressors run (all at once). */
    private static final int STRESS_SECONDS = FULL ? 60 : 5;
    /** The bound on each load step: far above its expected time, so that only a hang reaches it. */
    private static final Duration STEP_BOUND = Duration.ofSeconds(FULL ? 170 : 120);

    private MountTool tool;
    private Path image;
    private Path rw;
    private Path ro;
    private Path copies;

    @BeforeAll
    void mount(@TempDir Path tmp) throws IOException {
        tool = new MountTool(tmp);
        // 512 MiB (sparse): ext4's default 4 KiB blocks, as on real disks
        image = new TestImages(tmp).ext4("integrity.img", FULL ? 1024 : 512, "integrity",
                "5e1f0c3a-7d2b-4c6e-9a8f-0b1c2d3e4f50", null);
        copies = Files.createDirectory(tmp.resolve("copies"));
        rw = tool.mount(tool.mountpoint("rw"), "-a", image.toString(), "-m", "/dev/sda");
    }

    @AfterAll
    void cleanUp() {
        if (tool != null) {
            tool.close();
        }
    }

    private static void assumeTool(String name) {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
        Assumptions.assumeTrue(found, name + " is not installed (scripts/setup installs it)");
    }

    private static List<String> fio(Path dir, String name, String rw, String bs, String size, int jobs, String... more) {
        List<String> c = Tool.cmd("fio", "--name=" + name, "--directory=" + dir, "--rw=" + rw, "--bs=" + bs,
                "--size=" + size, "--numjobs=" + jobs, "--ioengine=psync", "--verify=crc32c", "--verify_fatal=1",
                "--error_dump=1", "--output-format=terse",
                // no verify state files in the working directory
                "--verify_state_save=0");
        c.addAll(List.of(more));
        return c;
    }

    private static void run(List<String> command) {
        Tool.run(STEP_BOUND, Map.of(), null, command);
    }

    @Test
    @Order(1)
    @DisplayName("fio: sequential write, read back and verify (crc32c)")
    void fioSequential() throws IOException {
        assumeTool("fio");
        Path dir = Files.createDirectories(rw.resolve("fio"));
        run(fio(dir, "seq", "write", SEQ_BS, SEQ_SIZE, 1, "--do_verify=1", "--end_fsync=1"));
    }

    @Test
    @Order(2)
    @DisplayName("fio: random writes by several jobs at once, read back and verify (crc32c)")
    void fioRandomParallel() throws IOException {
        assumeTool("fio");
        Path dir = Files.createDirectories(rw.resolve("fio"));
        run(fio(dir, "rand", "randwrite", RAND_BS, RAND_SIZE, RAND_JOBS, "--do_verify=1", "--end_fsync=1"));
    }

    /**
     * stress-ng's filesystem stressors that a FUSE mount can serve, all at once, with their own
     * checks on ({@code --verify}); stress-ng removes its files at the end. {@code link} and
     * {@code symlink} (8192 links per operation) and {@code iomix} only run in full mode: in CI one
     * operation outlasts the run.
     */
    @Test
    @Order(3)
    @DisplayName("stress-ng: filesystem stressors with --verify")
    void stressNg() throws IOException {
        assumeTool("stress-ng");
        Path dir = Files.createDirectories(rw.resolve("stress"));
        List<String> c = Tool.cmd("stress-ng", "--temp-path", dir, "--verify", "--timeout", STRESS_SECONDS + "s",
                "--metrics-brief", "--hdd", 1, "--hdd-bytes", FULL ? "64m" : "4m", "--dir", 1, "--dir-dirs", 64,
                "--rename", 1, "--dentry", 1, "--dentries", 64, "--seek", 1, "--seek-size", FULL ? "64m" : "4m",
                "--chmod", 1, "--utime", 1, "--lockf", 1, "--flock", 1, "--mmap", 1, "--mmap-file", "--mmap-bytes", "1m");
        if (FULL) {
            c.addAll(Tool.cmd("--link", 1, "--symlink", 1, "--iomix", 1, "--iomix-bytes", "64m"));
        }
        // exit 0 only when every stressor ran and passed its checks (2: one failed, 4: not implemented)
        Tool.Result out = Tool.run(STEP_BOUND, Map.of(), null, c);
        System.out.print(out.stdout() + out.stderr());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "stress-ng left files behind");
        }
    }

    /** A copy of every regular file under the read-write mount, read through it: what the load left. */
    private Map<String, Long> copyWhatTheLoadLeft() throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(rw)) {
            for (Path p : all.toList()) {
                String rel = rw.relativize(p).toString();
                if (rel.startsWith("lost+found") || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path copy = copies.resolve(rel);
                Files.createDirectories(copy.getParent());
                Files.copy(p, copy);
                sizes.put(rel, Files.size(copy));
            }
        }
        return sizes;
    }

    /** Bytes of {@code expected} that {@code actual} does not hold: differing, or missing at the end. */
    private static long lostBytes(Path expected, Path actual) throws IOException {
        if (!Files.isRegularFile(actual, LinkOption.NOFOLLOW_LINKS)) {
            return Files.size(expected);
        }
        long lost = 0;
        try (InputStream a = Files.newInputStream(expected); InputStream b = Files.newInputStream(actual)) {
            byte[] x = new byte[1 << 20];
            byte[] y = new byte[1 << 20];
            int n;
            while ((n = a.readNBytes(x, 0, x.length)) > 0) {
                int m = b.readNBytes(y, 0, n);
                lost += n - m;
                for (int i = 0; i < m; i++) {
                    if (x[i] != y[i]) {
                        lost++;
                    }
                }
            }
        }
        return lost;
    }

    @Test
    @Order(4)
    @DisplayName("after guestunmount: e2fsck clean, 0 lost bytes through a fresh read-only mount")
    void whatTheLoadLeftIsInTheImage() throws Exception {
        Map<String, Long> written = copyWhatTheLoadLeft();
        long server = tool.serverPid(rw);
        MountTool.Result r = tool.guestunmount(rw.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertFalse(MountTool.isMounted(rw), rw + " still mounted after guestunmount");
        assertFalse(MountTool.isRunning(server), "guestunmount returned before guestmount had finished");
        Tool.run(STEP_BOUND, Map.of(), null, Tool.cmd("e2fsck", "-fn", image));

        ro = tool.mount(tool.mountpoint("ro"), "--ro", "-a", image.toString(), "-m", "/dev/sda");
        Map<String, Long> found = new TreeMap<>();
        try (Stream<Path> all = Files.walk(ro)) {
            for (Path p : all.toList()) {
                String rel = ro.relativize(p).toString();
                if (!rel.startsWith("lost+found") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.put(rel, Files.size(p));
                }
            }
        }
        long bytes = 0;
        long lost = 0;
        List<String> damaged = new ArrayList<>();
        for (var e : written.entrySet()) {
            long l = lostBytes(copies.resolve(e.getKey()), ro.resolve(e.getKey()));
            bytes += e.getValue();
            lost += l;
            if (l > 0) {
                damaged.add(e.getKey() + " (" + l + " bytes)");
            }
        }
        System.out.printf("integrity: %d files, %d bytes written under load, %d lost bytes%s%n", written.size(), bytes,
                lost, damaged.isEmpty() ? "" : ": " + damaged);
        assertEquals(written, found, "the files (and sizes) the read-only mount shows are not those written");
        assertEquals(0, lost, () -> "lost bytes in " + damaged);
    }

    /** fio's own checksums (in every block it wrote) checked again through the read-only mount. */
    @Test
    @Order(5)
    @DisplayName("fio's checksums verify through the read-only mount")
    void fioChecksumsHoldInTheImage() {
        assumeTool("fio");
        Assumptions.assumeTrue(ro != null, "no read-only mount (the previous step failed)");
        Path dir = ro.resolve("fio");
        run(fio(dir, "seq", "read", SEQ_BS, SEQ_SIZE, 1, "--filename=seq.0.0"));
        for (int job = 0; job < RAND_JOBS; job++) {
            run(fio(dir, "rand", "read", RAND_BS, RAND_SIZE, 1, "--filename=rand." + job + ".0"));
        }
    }

    @Test
    @Order(6)
    @DisplayName("guestunmount of the read-only mount leaves nothing behind")
    void nothingLeft() throws Exception {
        Assumptions.assumeTrue(ro != null, "no read-only mount (the previous step failed)");
        MountTool.Result r = tool.guestunmount(ro.toString());
        assertEquals(0, r.exitCode(), r::toString);
        tool.assertNothingLeft();
    }
}
