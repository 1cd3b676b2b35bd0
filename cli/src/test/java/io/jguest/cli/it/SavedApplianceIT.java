package io.jguest.cli.it;

import static io.jguest.cli.it.GuestAssertions.bytes;
import static io.jguest.cli.it.GuestAssertions.readFile;
import static io.jguest.cli.it.GuestAssertions.writeFile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.BlockDevice;
import io.jguest.api.Filesystem;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.appliance.build.Appliance;
import io.jguest.appliance.build.ApplianceBuilder;
import io.jguest.appliance.build.BuildRequest;
import io.jguest.protocol.Calls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appliance restored from its saved state (the default start): drives hot-plugged in {@code -a}
 * order with their sizes, ext4, NTFS and qcow2 mounted and written, read-only images unchanged, the
 * guest's clock set and its random state fresh per launch, overlays and qemu gone afterwards, a
 * corrupt or truncated state replaced by a cold boot, and the saved path turned off on request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SavedApplianceIT {
    private static final long MIB = TestImages.MIB;

    private TestImages images;
    private Path work;
    private Path ro;
    private Path ntfs;
    private Path qcow2;

    @BeforeAll
    void images(@TempDir Path tmp) {
        org.junit.jupiter.api.Assumptions.assumeFalse("0".equals(System.getenv(ApplianceConfig.SAVED_ENV)),
                "JGUEST_SAVED=0: the suite runs on cold boots, these tests are about the restored start");
        images = new TestImages(tmp);
        work = images.ext4("work.img", 64, "work", "1a2b3c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d",
                images.tree("work", Map.of("hello.txt", "hello\n", "b/", "", "c/", "", "d/", "")));
        ro = images.ext4("ro.img", 16, "ro", "2b3c4d5e-6f7a-4b2c-9d0e-1f2a3b4c5d6e",
                images.tree("ro-content", Map.of("ro.txt", "read only\n")));
        ntfs = images.ntfs("ntfs.img", 16, "WINDATA", Map.of("win.txt", "from windows\r\n"));
        Path raw = images.ext4("q.raw", 32, "qcow", "3c4d5e6f-7a8b-4c3d-8e1f-2a3b4c5d6e7f", null);
        qcow2 = images.qcow2(raw, "q.qcow2");
    }

    @Test
    @Order(1)
    void restoredLaunchServesEveryDriveInOrder() throws Exception {
        ApplianceFixture fixture = ApplianceFixture.launch(Drive.readWrite(work), Drive.readOnly(ro),
                Drive.readOnly(ntfs), Drive.readWrite(qcow2));
        try {
            Guest g = fixture.guest();
            assertTrue(g.report().restored(), "the default start restores the saved appliance");
            assertEquals(List.of("/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/sdd"),
                    g.listDevices().stream().map(BlockDevice::device).toList(), "hot-plugged in -a order");
            assertEquals(List.of(64 * MIB, 16 * MIB, 16 * MIB, 32 * MIB),
                    g.listDevices().stream().map(BlockDevice::size).toList());
            Map<String, String> types = g.listFilesystems().stream()
                    .collect(java.util.stream.Collectors.toMap(Filesystem::device, Filesystem::type));
            assertEquals(Map.of("/dev/sda", "ext4", "/dev/sdb", "ext4", "/dev/sdc", "ntfs", "/dev/sdd", "ext4"), types);

            g.mount("/dev/sda", "/", "", null);
            assertArrayEquals(bytes("hello\n"), readFile(g, "/hello.txt"));
            writeFile(g, "/written.txt", bytes("written through a restored appliance\n"));
            g.mount("/dev/sdb", "/b", "", null); // read-only drive mounted read-write: writes go to its overlay
            assertArrayEquals(bytes("read only\n"), readFile(g, "/b/ro.txt"));
            writeFile(g, "/b/scratch.txt", bytes("never reaches ro.img\n"));
            g.mount("/dev/sdc", "/c", "", null);
            assertArrayEquals(bytes("from windows\r\n"), readFile(g, "/c/win.txt"));
            writeFile(g, "/c/scratch.txt", bytes("never reaches ntfs.img\n"));
            g.mount("/dev/sdd", "/d", "", null);
            writeFile(g, "/d/q.txt", bytes("in the qcow2\n"));

            Calls.ApplianceStatus status = g.status();
            assertEquals(1, status.resumes());
            long skewMs = Math.abs(Duration.between(Instant.ofEpochSecond(0, status.epochNanos()), Instant.now()).toMillis());
            assertTrue(skewMs < 10_000, "the guest clock is the host's after a restore (off by " + skewMs + " ms)");
        } finally {
            fixture.close(); // checks ro.img and ntfs.img did not change
        }
        // the writes reached the read-write images: seen by the next (restored) launch
        try (ApplianceFixture again = ApplianceFixture.launch(Drive.readOnly(work), Drive.readOnly(qcow2))) {
            Guest g = again.guest();
            assertTrue(g.report().restored());
            g.mount("/dev/sda", "/", "ro", null);
            assertArrayEquals(bytes("written through a restored appliance\n"), readFile(g, "/written.txt"));
            g.mount("/dev/sdb", "/d", "ro", null);
            assertArrayEquals(bytes("in the qcow2\n"), readFile(g, "/d/q.txt"));
        }
    }

    @Test
    @Order(2)
    void overlaysAreUnlinkedAndQemuGoesAway() throws Exception {
        Guest g = Appliances.launch(Drive.readOnly(ro), Drive.readOnly(ntfs));
        try {
            assertTrue(g.report().restored());
            List<ProcessHandle> qemus = Appliances.qemuDescendants().stream()
                    .filter(p -> p.info().command().orElse("").contains("qemu-system")
                            && p.info().commandLine().orElse("").contains("-incoming")).toList();
            assertEquals(1, qemus.size(), "one restored qemu: " + qemus);
            List<String> overlays = openFiles(qemus.getFirst().pid()).stream().filter(f -> f.contains("overlay")).toList();
            assertEquals(2, overlays.size(), "one overlay per read-only drive: " + overlays);
            for (String f : overlays) {
                assertTrue(f.endsWith(" (deleted)"), "the overlay file is gone from the disk while qemu uses it: " + f);
            }
        } finally {
            g.close();
        }
        assertEquals(List.of(), awaitNoQemu(), "qemu is gone after close");
    }

    @Test
    @Order(3)
    void twoRestoredAppliancesDoNotShareRandomState() throws Exception {
        CompletableFuture<Guest> first = CompletableFuture.supplyAsync(() -> launch(Drive.readOnly(ro)));
        Guest second = launch(Drive.readOnly(ro));
        Guest one = first.get(3, TimeUnit.MINUTES);
        try {
            assertTrue(one.report().restored() && second.report().restored());
            Calls.ApplianceStatus a = one.status();
            Calls.ApplianceStatus b = second.status();
            assertFalse(Arrays.equals(a.random(), b.random()),
                    "two copies of one saved appliance must not produce the same random numbers");
            assertNotEquals(0, a.random().length);
        } finally {
            one.close();
            second.close();
        }
    }

    @Test
    @Order(4)
    void aCorruptOrTruncatedStateIsReplacedByAColdBoot() throws Exception {
        Path state = currentState();
        Path backup = state.resolveSibling(state.getFileName() + ".it-backup");
        Files.move(state, backup);
        try {
            // truncated: the first MiB of the real state
            try (InputStream in = Files.newInputStream(backup)) {
                Files.write(state, in.readNBytes((int) MIB));
            }
            assertColdFallback(state);
            // corrupt from the start
            Files.write(state, GuestAssertions.random((int) MIB, 42));
            assertColdFallback(state);
        } finally {
            Files.move(backup, state, StandardCopyOption.REPLACE_EXISTING);
        }
        try (Guest g = Appliances.launch(Drive.readOnly(ro))) {
            assertTrue(g.report().restored(), "the good state is used again");
        }
    }

    private void assertColdFallback(Path state) throws Exception {
        String sha = TestImages.sha256(ro);
        try (Guest g = Appliances.launch(Drive.readOnly(ro))) {
            assertFalse(g.report().restored(), "a state qemu cannot load gives a cold boot");
            assertEquals(0, g.status().resumes());
            assertEquals(List.of("/dev/sda"), g.listDevices().stream().map(BlockDevice::device).toList());
        }
        assertFalse(Files.exists(state), "the bad state is deleted: " + state);
        assertEquals(sha, TestImages.sha256(ro));
    }

    @Test
    @Order(5)
    void theSavedPathCanBeTurnedOff() throws Exception {
        ApplianceConfig cfg = ApplianceConfig.builder().savedState(false).addDrive(Drive.readOnly(ro)).build();
        try (Guest g = Guest.launch(cfg)) {
            assertFalse(g.report().restored());
            assertEquals(0, g.status().resumes());
        }
        // JGUEST_SAVED=0, as a user sets it
        Path jguest = Path.of(System.getProperty("jguest.scripts", "../scripts"), "jguest").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder(jguest.toString(), "-v", "list", "-a", ro.toString(), "--ro")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JGUEST_SAVED", "0");
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        String out = readAll(p.getInputStream());
        assertTrue(p.waitFor(3, TimeUnit.MINUTES));
        String stderr = err.get();
        assertEquals(0, p.exitValue(), stderr);
        assertTrue(out.contains("/dev/sda"), out);
        assertTrue(stderr.contains("appliance ready in"), "a cold boot: " + stderr);
        assertFalse(stderr.contains("appliance restored in"), stderr);
    }

    @Test
    @Order(6)
    void aDriveInUseIsNamedOnTheRestoredPathToo() throws Exception {
        Path state = currentState();
        try (Guest writer = Appliances.launch(Drive.readWrite(work))) {
            assertTrue(writer.report().restored());
            ApplianceException e = assertThrows(ApplianceException.class, () -> Appliances.launch(Drive.readWrite(work)));
            assertTrue(e instanceof ApplianceException.BadDrive, e.toString());
            assertTrue(e.getMessage().contains("work.img") && e.getMessage().contains("in use"), e.getMessage());
        }
        assertEquals(List.of(), awaitNoQemu(), "the refused launch left no qemu");
        assertTrue(Files.exists(state), "a drive's error is not the saved state's: it stays");
    }

    private static Guest launch(Drive... drives) {
        try {
            return Appliances.launch(drives);
        } catch (ApplianceException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The saved state the last launch restored: the newest in this tree's appliance directory. */
    private static Path currentState() throws Exception {
        ApplianceConfig cfg = ApplianceConfig.builder().build();
        Appliance a = ApplianceBuilder.create(new BuildRequest(cfg.cacheDir(), cfg.daemonClasspath())).getOrBuild(l -> { });
        try (Stream<Path> s = Files.list(a.dir())) {
            return s.filter(p -> p.getFileName().toString().matches("saved-[0-9a-f]{16}\\.vmstate"))
                    .max(Comparator.comparing(SavedApplianceIT::mtime))
                    .orElseThrow(() -> new AssertionError("no saved state in " + a.dir()));
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The targets of a process's open file descriptors. */
    private static List<String> openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            }).toList();
        }
    }

    private static List<ProcessHandle> awaitNoQemu() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<ProcessHandle> left = Appliances.qemuDescendants();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = Appliances.qemuDescendants();
        }
        return left;
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
