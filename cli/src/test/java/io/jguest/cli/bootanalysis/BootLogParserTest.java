package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BootLogParserTest {
    private static final double EPS = 1e-9;

    /** A console line: host ms, then the text. */
    private static PassRecord.ConsoleLine line(double hostMs, String text) {
        return new PassRecord.ConsoleLine(hostMs, text);
    }

    private static Map<String, Activity> byName(PassTimeline t) {
        return t.activities().stream().collect(Collectors.toMap(Activity::name, Function.identity()));
    }

    private static void assertSpan(Map<String, Activity> a, String name, String parent, double start, double end) {
        Activity x = a.get(name);
        assertNotNull(x, () -> name + " missing from " + a.keySet());
        assertEquals(parent, x.parent(), name + " parent");
        assertEquals(start, x.startMs(), EPS, name + " start");
        assertEquals(end, x.endMs(), EPS, name + " end");
    }

    @Nested
    @DisplayName("a small console, every number known")
    class Synthetic {
        // printk -> host: offset 100 at entry; line B arrives late (its own offset would be 120) but line C
        // proves the offset was at most 105 at 20 ms; from 100 ms on the guest clock has lost 50 ms more
        private final PassRecord pass = new PassRecord(-40, 900, 910, 1000, List.of(
                line(100, "[    0.000000] Linux version 6.1.0-56-amd64"),
                line(130, "[    0.010000] Freeing SMP alternatives memory: 36K"),
                line(125, "[    0.020000] smp: Brought up 1 node, 2 CPUs"),
                line(250, "[    0.100000] calling  foo_init+0x0/0x10 @ 1"),
                line(255, "[    0.105000] probe of bar0 returned 0 after 2000 usecs"),
                line(260, "[    0.110000] initcall foo_init+0x0/0x10 returned 0 after 9000 usecs"),
                line(262, "[    0.112000] calling  tiny_init+0x0/0x10 @ 1"),
                line(262.5, "[    0.112500] initcall tiny_init+0x0/0x10 returned 0 after 400 usecs"),
                line(270, "[    0.120000] Freeing unused kernel image (initmem) memory: 2824K"),
                line(280, "[    0.130000] Run /init as init process"),
                line(300, "[    0.150000] jguest: begin /init:modules"),
                line(301, "[    0.151000] jguest: begin /init:modules:insmod virtio_blk"),
                line(305, "[    0.155000] calling  virtio_blk_init+0x0/0x1000 [virtio_blk] @ 90"),
                line(320, "[    0.170000] initcall virtio_blk_init+0x0/0x1000 [virtio_blk] returned 0 after 15000 usecs"),
                line(322, "[    0.172000] jguest: end /init:modules:insmod virtio_blk"),
                line(323, "[    0.173000] jguest: end /init:modules"),
                line(330, "[    0.180000] jguest: begin /init:switch-root"),
                line(400, "[    0.250000] jguest: end /init:switch-root"),
                line(401, "[    0.251000] jguest: begin /init2"),
                line(410, "[    0.260000] jguest: begin modules"),
                line(420, "[    0.270000] jguest: end /init2"),
                line(421, "[    0.271000] jguest: begin java"),
                line(500, "[    0.350000] jguest: begin modules:insmod xfs"),
                line(700, "[jguest] daemon-start uptime-ms=550"),
                line(905, "[jguest] daemon-ready uptime-ms=600")));

        private final PassTimeline timeline = BootLogParser.parse(pass);
        private final Map<String, Activity> a = byName(timeline);

        @Test
        void hostActivitiesComeFromTheHostTimes() {
            assertSpan(a, "run", null, -40, 1000);
            assertSpan(a, "host:launch", "run", -40, 0);
            assertSpan(a, "shutdown", "run", 910, 1000);
        }

        @Test
        void kernelEntryIsPrintkZeroOnTheHostClock() {
            assertSpan(a, "qemu+bios", "run", 0, 100);
            assertSpan(a, "kernel", "run", 100, 280);
            assertSpan(a, "kernel:early", "kernel", 100, 115); // not 130: line C bounds the offset at 10 ms
            assertSpan(a, "kernel:smp-boot", "kernel", 115, 125);
            assertSpan(a, "kernel:free-initmem", "kernel", 270, 280);
        }

        @Test
        void initcallsAndProbesNestWhereTheyRan() {
            assertSpan(a, "kernel:initcalls", "kernel", 250, 262.5);
            assertSpan(a, "initcall foo_init", "kernel:initcalls", 250, 260);
            assertSpan(a, "initcall tiny_init", "kernel:initcalls", 262, 262.5);
            assertSpan(a, "probe bar0", "initcall foo_init", 253, 255);
            assertSpan(a, "initcall virtio_blk_init [virtio_blk]", "/init:modules:insmod virtio_blk", 305, 320);
            assertTrue(a.get("initcall foo_init").detail() && a.get("probe bar0").detail());
            assertFalse(a.get("kernel").detail());
        }

        @Test
        void markersPairUpAndNestByName() {
            assertSpan(a, "/init", "run", 280, 400);
            assertSpan(a, "/init:mount-special", "/init", 280, 300);
            assertSpan(a, "/init:modules", "/init", 300, 323);
            assertSpan(a, "/init:modules:insmod virtio_blk", "/init:modules", 301, 322);
            assertSpan(a, "/init:switch-root", "/init", 330, 400);
            assertSpan(a, "/init2", "run", 401, 420);
        }

        @Test
        void theJvmRunsFromItsMarkerToTheHello() {
            assertSpan(a, "java", "run", 421, 900);
            assertSpan(a, "java:jvm-to-main", "java", 421, 700);
            assertSpan(a, "java:main-to-hello", "java", 700, 900);
        }

        @Test
        void whatIsMissingIsLeftOutWithANote() {
            assertNull(a.get("kernel:initramfs"));
            assertEquals(List.of(
                    "kernel:initramfs: no \"Trying to unpack rootfs image\"/\"Freeing initrd memory\" line: left out",
                    "modules: still running when the shutdown began: cut there",
                    "modules:insmod xfs: still running when the shutdown began: cut there"), timeline.notes());
        }

        @Test
        void whatTheShutdownCutEndsWhereTheShutdownBegins() {
            assertSpan(a, "modules", "run", 410, 910);
            assertSpan(a, "modules:insmod xfs", "modules", 500, 910);
        }
    }

    @Test
    void withoutKernelTimestampsOnlyTheHostActivitiesRemain() {
        PassTimeline t = BootLogParser.parse(new PassRecord(-30, 500, 510, 600, List.of(
                line(90, "Linux version 6.1.0-56-amd64"), line(480, "[jguest] daemon-start uptime-ms=400"))));
        assertEquals(List.of("run", "host:launch", "shutdown"), t.activities().stream().map(Activity::name).toList());
        assertEquals(2, t.notes().size(), t.notes()::toString);
        assertTrue(t.notes().get(0).startsWith("no kernel timestamps on the console"), t.notes()::toString);
        assertTrue(t.notes().get(1).startsWith("java: no \"jguest: begin java\" marker"), t.notes()::toString);
    }

    @Test
    void withoutMarkersTheKernelIsStillThereAndTheInitStepsAreNot() {
        PassTimeline t = BootLogParser.parse(new PassRecord(-30, 500, 510, 600, List.of(
                line(100, "[    0.000000] Linux version 6.1.0-56-amd64"),
                line(300, "[    0.200000] Run /init as init process"))));
        Map<String, Activity> a = byName(t);
        assertSpan(a, "kernel", "run", 100, 300);
        assertNull(a.get("/init"));
        assertTrue(t.notes().stream().anyMatch(n -> n.startsWith("no \"jguest: begin/end\" markers")), t.notes()::toString);
        assertTrue(t.notes().stream().anyMatch(n -> n.startsWith("no initcall lines")), t.notes()::toString);
    }

    @Test
    void aNameSeenTwiceGetsANumber() {
        List<PassRecord.ConsoleLine> lines = new ArrayList<>(List.of(line(100, "[    0.000000] Linux version 6")));
        lines.add(line(110, "[    0.010000] calling  blake2s_mod_init+0x0/0x10 @ 1"));
        lines.add(line(112, "[    0.012000] initcall blake2s_mod_init+0x0/0x10 returned 0 after 2000 usecs"));
        lines.add(line(120, "[    0.020000] calling  blake2s_mod_init+0x0/0x20 @ 1"));
        lines.add(line(125, "[    0.025000] initcall blake2s_mod_init+0x0/0x20 returned 0 after 5000 usecs"));
        Map<String, Activity> a = byName(BootLogParser.parse(new PassRecord(-30, 500, 510, 600, lines)));
        assertEquals(2, a.get("initcall blake2s_mod_init").durationMs(), EPS);
        assertEquals(5, a.get("initcall blake2s_mod_init #2").durationMs(), EPS);
    }

    @Test
    void anEndWithoutABeginIsANote() {
        PassTimeline t = BootLogParser.parse(new PassRecord(-30, 500, 510, 600, List.of(
                line(100, "[    0.000000] Linux version 6"), line(200, "[    0.100000] jguest: end /init2"))));
        assertTrue(t.notes().contains("/init2: an end marker without a begin: left out"), t.notes()::toString);
    }

    @Nested
    @DisplayName("a real console (TCG, this project's appliance, captured by boot-analysis --save)")
    class Captured {
        private final PassRecord pass = Captures.real();
        private final PassTimeline timeline = BootLogParser.parse(pass);
        private final Map<String, Activity> a = byName(timeline);

        @Test
        void everyActivityOfTheBriefIsFound() {
            for (String name : List.of("run", "host:launch", "qemu+bios", "kernel", "kernel:early", "kernel:smp-boot",
                    "kernel:initcalls", "kernel:initramfs", "kernel:free-initmem", "/init", "/init:mount-special",
                    "/init:modules", "/init:modules:insmod virtio_blk", "/init:wait-vda", "/init:mount-root",
                    "/init:switch-root", "/init2", "/init2:mount-tmpfs", "modules:early",
                    "modules:early:insmod virtio_scsi", "java", "java:jvm-to-main", "java:main-to-hello", "shutdown",
                    "initcall acpi_init", "initcall virtio_blk_init [virtio_blk]", "probe virtio1")) {
                assertNotNull(a.get(name), () -> name + " missing; notes " + timeline.notes());
            }
        }

        @Test
        void theStepsFollowEachOtherOnOneClock() {
            assertEquals(pass.launchMs(), a.get("run").startMs(), EPS);
            assertEquals(pass.shutdownEndMs(), a.get("run").endMs(), EPS);
            assertEquals(a.get("qemu+bios").endMs(), a.get("kernel").startMs(), EPS);
            assertEquals(a.get("kernel").endMs(), a.get("/init").startMs(), EPS);
            assertEquals(a.get("/init").endMs(), a.get("/init:switch-root").endMs(), EPS);
            assertTrue(a.get("/init").endMs() <= a.get("/init2").startMs());
            assertTrue(a.get("/init2").endMs() <= a.get("java").startMs());
            assertEquals(pass.helloMs(), a.get("java").endMs(), EPS);
            assertTrue(a.get("java").endMs() <= a.get("shutdown").startMs());
        }

        @Test
        void childrenLieInsideTheirParents() {
            for (Activity x : timeline.activities()) {
                Activity p = x.parent() == null ? null : a.get(x.parent());
                if (p == null || x.name().startsWith("probe ")) {
                    continue; // probes may be asynchronous
                }
                assertTrue(p.startMs() <= x.startMs() + EPS && x.endMs() <= p.endMs() + EPS,
                        () -> x + " outside " + p);
            }
        }

        @Test
        void moduleInitcallsHangFromTheirInsmod() {
            assertEquals("/init:modules:insmod virtio_blk", a.get("initcall virtio_blk_init [virtio_blk]").parent());
            assertEquals("initcall virtio_blk_init [virtio_blk]", a.get("probe virtio1").parent());
            assertEquals("modules:early:insmod virtio_scsi", a.get("initcall virtio_scsi_init [virtio_scsi]").parent());
        }

        @Test
        void theLoaderCutByTheShutdownIsANote() {
            assertEquals(pass.shutdownStartMs(), a.get("modules").endMs(), EPS);
            assertEquals("modules", a.get("modules:early").parent());
            assertTrue(timeline.notes().contains("modules: still running when the shutdown began: cut there"),
                    timeline.notes()::toString);
        }
    }

    @Nested
    @DisplayName("a restored launch, every number known")
    class RestoredSynthetic {
        private static final PassRecord.Restore RESTORE = new PassRecord.Restore(170, 172.5, 180);

        private PassTimeline parse(List<PassRecord.ConsoleLine> console) {
            return BootLogParser.parse(new PassRecord(-25, 400, 400.5, 440, console, RESTORE));
        }

        @Test
        void theHostsStepsAndTheResumedLineMakeTheRestore() {
            PassTimeline t = parse(List.of(line(395, "[jguest] daemon-resumed uptime-ms=17230"),
                    line(420, "[jguest] daemon: session ended: SHUTDOWN")));
            Map<String, Activity> a = byName(t);
            assertSpan(a, "run", null, -25, 440);
            assertSpan(a, "host:launch", "run", -25, 0);
            assertSpan(a, "restore", "run", 0, 400);
            assertSpan(a, "restore:load-state", "restore", 0, 170);
            assertSpan(a, "restore:hot-plug", "restore", 170, 172.5);
            assertSpan(a, "restore:cont+resume-call", "restore", 172.5, 180);
            assertSpan(a, "restore:guest-resume", "restore", 180, 395);
            assertSpan(a, "restore:hello-to-host", "restore", 395, 400);
            assertSpan(a, "shutdown", "run", 400.5, 440);
            assertEquals(9, t.activities().size(), t.activities()::toString);
            assertEquals(List.of(), t.notes(), "nothing of a cold boot is said to be missing");
        }

        @Test
        void aResumedLineAfterTheHelloDoesNotSplitTheGuestsPart() {
            PassTimeline t = parse(List.of(line(403, "[jguest] daemon-resumed uptime-ms=17230")));
            Map<String, Activity> a = byName(t);
            assertSpan(a, "restore:guest-resume", "restore", 180, 400);
            assertNull(a.get("restore:hello-to-host"));
            assertEquals(List.of("the \"[jguest] daemon-resumed\" line arrived after the hello: the guest's resume ends"
                    + " at the hello"), t.notes());
        }

        @Test
        void withoutTheResumedLineTheGuestsPartEndsAtTheHello() {
            PassTimeline t = parse(List.of());
            assertSpan(byName(t), "restore:guest-resume", "restore", 180, 400);
            assertEquals(List.of("no \"[jguest] daemon-resumed\" line: the guest's resume is not split from the hello"),
                    t.notes());
        }
    }

    @Nested
    @DisplayName("a real restored console (TCG, the saved appliance, captured by boot-analysis --restored --save)")
    class CapturedRestored {
        private final PassRecord pass = Captures.restored();
        private final PassTimeline timeline = BootLogParser.parse(pass);
        private final Map<String, Activity> a = byName(timeline);

        @Test
        void itIsARestoreWithTheDaemonsResumedLine() {
            assertNotNull(pass.restore());
            assertTrue(pass.console().stream().anyMatch(l -> l.text().startsWith("[jguest] daemon-resumed uptime-ms=")),
                    pass.console()::toString);
            assertFalse(pass.console().stream().anyMatch(l -> l.text().contains("Linux version")),
                    "a restored kernel does not boot again");
        }

        @Test
        void theRestoresStepsFollowEachOtherUpToTheHello() {
            // the capture's daemon-resumed line came 4.5 ms after the hello (the console is the slower path)
            assertEquals(List.of("the \"[jguest] daemon-resumed\" line arrived after the hello: the guest's resume ends"
                    + " at the hello"), timeline.notes());
            List<String> steps = List.of("restore:load-state", "restore:hot-plug", "restore:cont+resume-call",
                    "restore:guest-resume");
            double at = 0;
            for (String s : steps) {
                Activity x = a.get(s);
                assertNotNull(x, () -> s + " missing from " + a.keySet());
                assertEquals("restore", x.parent());
                assertEquals(at, x.startMs(), EPS, s);
                at = x.endMs();
            }
            assertEquals(pass.helloMs(), at, EPS);
            assertSpan(a, "restore", "run", 0, pass.helloMs());
            assertSpan(a, "shutdown", "run", pass.shutdownStartMs(), pass.shutdownEndMs());
        }

        @Test
        void noKernelInitOrJvmActivities() {
            assertEquals(List.of("run", "host:launch", "restore", "restore:load-state", "restore:hot-plug",
                    "restore:cont+resume-call", "restore:guest-resume", "shutdown"),
                    timeline.activities().stream().map(Activity::name).toList());
        }
    }
}
