package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.ConsoleCapture;
import io.jguest.appliance.LaunchReport;
import io.jguest.cli.Cli;
import io.jguest.cli.CliRun;
import io.jguest.cli.FakeGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootAnalysisCommandTest {
    @TempDir
    Path tmp;

    private static CliRun run(Cli.Launcher launcher, String... args) {
        return CliRun.command(BootAnalysisCommand.class, launcher, args);
    }

    /** A guest that "booted" with the real captured console. */
    private static io.jguest.appliance.Guest cannedGuest() {
        PassRecord real = Captures.real();
        long qemuStart = System.nanoTime();
        ConsoleCapture console = new ConsoleCapture(qemuStart, real.console().stream()
                .map(l -> new ConsoleCapture.Line(Math.round(l.hostMs() * 1e6), l.text())).toList());
        LaunchReport report = new LaunchReport(Accel.TCG, false, Duration.ofMillis(5),
                Duration.ofNanos(Math.round(real.helloMs() * 1e6)), Duration.ofMillis(1500), Duration.ofMillis(3000),
                "6.1.0-56-amd64", "QEMU emulator version 7.2.22", false, Duration.ZERO);
        return new FakeGuest().on("report", args -> report).on("console", args -> console).guest();
    }

    @Test
    void passesAreLaunchedWithTheAnalysisKernelArgsAndAFailedOneIsSkipped() {
        List<ApplianceConfig> configs = new ArrayList<>();
        AtomicInteger launches = new AtomicInteger();
        CliRun r = run(config -> {
            configs.add(config);
            if (launches.incrementAndGet() == 3) { // warm-up, pass 1, then pass 2 fails
                throw new ApplianceException.LaunchFailed("the appliance did not become ready within 120 s under TCG",
                        null, null);
            }
            return cannedGuest();
        }, "--passes", "3", "--warmup", "1");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(4, configs.size());
        for (ApplianceConfig c : configs) {
            assertTrue(c.drives().isEmpty());
            assertEquals(List.of("initcall_debug", "printk.time=1", "ignore_loglevel", "jguest.analysis=1"),
                    c.extraKernelArgs());
        }
        assertTrue(r.out().contains("pass 2 failed: the appliance did not become ready within 120 s under TCG\n"), r.out());
        assertTrue(r.out().contains("\npass 1: ready "), r.out());
        assertTrue(r.out().contains("\npass 3: ready "), r.out());
        assertTrue(r.out().contains("Timeline of the mean pass (2 passes;"), r.out());
        assertTrue(r.out().contains("\nLongest activities:\n"), r.out());
        assertTrue(r.out().contains("Kernel:      6.1.0-56-amd64\n"), r.out());
    }

    /** A guest "restored" with the real captured restored console, or one that booted cold instead. */
    private static io.jguest.appliance.Guest restoredGuest(boolean restored) {
        PassRecord real = Captures.restored();
        long qemuStart = System.nanoTime();
        ConsoleCapture console = new ConsoleCapture(qemuStart, real.console().stream()
                .map(l -> new ConsoleCapture.Line(Math.round(l.hostMs() * 1e6), l.text())).toList());
        PassRecord.Restore t = real.restore();
        LaunchReport report = new LaunchReport(Accel.TCG, false, Duration.ofMillis(5), nanos(real.helloMs()),
                Duration.ZERO, Duration.ZERO, "6.1.0-56-amd64", "QEMU emulator version 7.2.22", restored,
                restored ? nanos(t.stateLoadedMs()) : Duration.ZERO, restored ? nanos(t.drivesAddedMs()) : Duration.ZERO,
                restored ? nanos(t.resumeSentMs()) : Duration.ZERO);
        return new FakeGuest().on("report", args -> report).on("console", args -> console).guest();
    }

    private static Duration nanos(double ms) {
        return Duration.ofNanos(Math.round(ms * 1e6));
    }

    @Test
    void restoredPassesAddNoKernelArgsAndAColdOneFails() {
        List<ApplianceConfig> configs = new ArrayList<>();
        AtomicInteger launches = new AtomicInteger();
        CliRun r = run(config -> {
            configs.add(config);
            return restoredGuest(launches.incrementAndGet() != 3); // pass 2 boots cold
        }, "--restored", "--passes", "3", "--warmup", "1");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(4, configs.size());
        for (ApplianceConfig c : configs) {
            assertEquals(List.of(), c.extraKernelArgs(), "the saved machine's command line stays its key");
            assertTrue(c.savedState());
        }
        assertTrue(r.out().contains("Launch:      restored from the saved appliance"), r.out());
        assertTrue(r.out().contains("pass 2 failed: it booted cold: the saved appliance was not restored (-v says why)\n"),
                r.out());
        assertTrue(r.out().contains(", state loaded "), r.out());
        assertTrue(r.out().contains("Timeline of the mean pass (2 passes;"), r.out());
        assertTrue(activityColumn(r.out()).contains("    restore:guest-resume"), r.out());
        assertTrue(activityColumn(r.out()).stream().noneMatch(n -> n.contains("kernel") || n.contains("java")), r.out());
    }

    @Test
    void restoredTakesNoAppendedKernelArg() {
        CliRun r = run(config -> {
            throw new AssertionError("nothing is launched");
        }, "--restored", "--append", "debug");
        assertEquals(1, r.exitCode());
        assertEquals("boot-analysis: --append: a restored appliance takes no kernel argument (it would boot cold)\n",
                r.err());
    }

    @Test
    void aRestoredReplayDrawsARestoreSvg() throws Exception {
        Path capture = Files.writeString(tmp.resolve("pass.txt"), Captures.text(Captures.RESTORED));
        Path svg = tmp.resolve("restored.svg");
        CliRun r = run(config -> {
            throw new AssertionError("a replay launches nothing");
        }, "-v", "--replay", capture.toString(), "--svg", svg.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("printk clock + none: restored"), r.out());
        assertTrue(r.out().contains("  host: state loaded\n"), r.out());
        assertTrue(Files.readString(svg).contains("jguest appliance restore, replayed from 1 saved passes"));
    }

    @Test
    void everyPassFailingIsAnError() {
        CliRun r = run(config -> {
            throw new ApplianceException.LaunchFailed("qemu exited", null, null);
        }, "--passes", "2", "--warmup", "0");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("\npass 1 failed: qemu exited\n"), r.out());
        assertTrue(r.out().contains("\npass 2 failed: qemu exited\n"), r.out());
        assertEquals("boot-analysis: no pass could be analysed: every launch failed\n", r.err());
    }

    @Test
    void savedPassesReplayToTheSameAnalysisAndAnSvg() throws Exception {
        Path saved = tmp.resolve("saved");
        CliRun live = run(config -> cannedGuest(), "--passes", "1", "--warmup", "0", "--save", saved.toString());
        assertEquals(0, live.exitCode(), live::toString);
        Path svg = tmp.resolve("boot.svg");
        CliRun replayed = run(config -> {
            throw new AssertionError("a replay launches nothing");
        }, "--replay", saved.resolve("pass-1.txt").toString(), "--svg", svg.toString());
        assertEquals(0, replayed.exitCode(), replayed::toString);
        assertEquals(activityColumn(live.out()), activityColumn(replayed.out()));
        assertTrue(activityColumn(live.out()).contains("    java:jvm-to-main"), live.out());
        assertTrue(replayed.out().endsWith("SVG: " + svg + "\n"), replayed.out());
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
    }

    /** The timeline's activity names with their indentation, in order. */
    private static List<String> activityColumn(String out) {
        String t = out.substring(out.indexOf("Timeline of the mean pass"), out.indexOf("\nLongest activities:"));
        return t.lines().skip(3).map(l -> {
            String rest = l.substring(12); // after the start column
            int name = rest.length() - rest.stripLeading().length();
            return rest.substring(0, rest.indexOf("  ", name)); // names have single spaces; columns two
        }).toList();
    }

    @Test
    void verboseDumpsEveryEventWithItsTime() throws Exception {
        Path capture = tmp.resolve("pass.txt");
        Files.writeString(capture, Captures.realText());
        CliRun r = run(config -> {
            throw new AssertionError("a replay launches nothing");
        }, "-v", "--replay", capture.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("pass 1 events (ms since qemu start; printk clock + "), r.out());
        assertTrue(r.out().contains("  host: hello received\n"), r.out());
        assertTrue(r.out().contains("pass 1 activities:\n"), r.out());
    }

    @Test
    void aBadReplayFileIsOneLine() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.txt"), "hello\n");
        CliRun r = run(config -> {
            throw new AssertionError();
        }, "--replay", bad.toString());
        assertEquals(1, r.exitCode());
        assertEquals("boot-analysis: --replay " + bad + ": not a boot-analysis capture (no \"" + PassRecord.HEADER
                + "\" line)\n", r.err());
        assertFalse(r.out().contains("Timeline"));
    }
}
