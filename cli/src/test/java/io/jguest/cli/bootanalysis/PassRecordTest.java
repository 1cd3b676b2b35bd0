package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.appliance.Accel;
import io.jguest.appliance.ConsoleCapture;
import io.jguest.appliance.LaunchReport;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassRecordTest {
    @Test
    void theCaptureFormatRoundTrips() throws Exception {
        PassRecord r = new PassRecord(-48.125, 3456.5, 3460.25, 3590.5, List.of(
                new PassRecord.ConsoleLine(12.345, "[    0.000000] Linux version 6.1"),
                new PassRecord.ConsoleLine(13, ""),
                new PassRecord.ConsoleLine(3400, "[jguest] daemon-ready uptime-ms=3000 with  two spaces")));
        StringWriter w = new StringWriter();
        r.write(w);
        assertEquals(r, PassRecord.parse("x", w.toString()));
        assertEquals(PassRecord.HEADER + "\n"
                + "launch -48.125\n"
                + "hello 3456.500\n"
                + "shutdown 3460.250 3590.500\n"
                + "console 12.345 [    0.000000] Linux version 6.1\n"
                + "console 13.000 \n"
                + "console 3400.000 [jguest] daemon-ready uptime-ms=3000 with  two spaces\n", w.toString());
    }

    @Test
    void fromTheLauncherAllTimesCountFromQemuStart() {
        long qemuStart = 1_000_000_000L;
        LaunchReport report = new LaunchReport(Accel.TCG, false, Duration.ZERO, Duration.ofMillis(3000),
                Duration.ofMillis(1500), Duration.ofMillis(2800), "6.1", "QEMU 7.2", false, Duration.ZERO);
        ConsoleCapture capture = new ConsoleCapture(qemuStart, List.of(new ConsoleCapture.Line(150_500_000L, "hi")));
        PassRecord r = PassRecord.of(qemuStart - 40_000_000L, report, qemuStart + 3_001_000_000L,
                qemuStart + 3_100_000_000L, capture);
        assertEquals(new PassRecord(-40, 3000, 3001, 3100, List.of(new PassRecord.ConsoleLine(150.5, "hi"))), r);
    }

    @Test
    void aRestoredPassKeepsTheRestoresHostTimes() throws Exception {
        long qemuStart = 1_000_000_000L;
        LaunchReport report = new LaunchReport(Accel.TCG, false, Duration.ZERO, Duration.ofMillis(380), Duration.ZERO,
                Duration.ZERO, "6.1", "QEMU 7.2", true, Duration.ofMillis(170), Duration.ofMillis(175),
                Duration.ofMillis(190));
        ConsoleCapture capture = new ConsoleCapture(qemuStart,
                List.of(new ConsoleCapture.Line(370_250_000L, "[jguest] daemon-resumed uptime-ms=21000")));
        PassRecord r = PassRecord.of(qemuStart - 30_000_000L, report, qemuStart + 381_000_000L,
                qemuStart + 420_000_000L, capture);
        assertEquals(new PassRecord(-30, 380, 381, 420, List.of(new PassRecord.ConsoleLine(370.25,
                "[jguest] daemon-resumed uptime-ms=21000")), new PassRecord.Restore(170, 175, 190)), r);
        StringWriter w = new StringWriter();
        r.write(w);
        assertTrue(w.toString().contains("\nrestore 170.000 175.000 190.000\n"), w::toString);
        assertEquals(r, PassRecord.parse("x", w.toString()));
    }

    @Test
    void aColdReportGivesNoRestore() {
        LaunchReport report = new LaunchReport(Accel.TCG, false, Duration.ZERO, Duration.ofMillis(3000),
                Duration.ofMillis(1500), Duration.ofMillis(2800), "6.1", "QEMU 7.2", false, Duration.ZERO);
        assertNull(PassRecord.of(0, report, 1, 2, new ConsoleCapture(0, List.of())).restore());
    }

    @Test
    void badCapturesNameTheFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PassRecord.parse("p.txt", "launch 1\n"));
        assertEquals("p.txt: not a boot-analysis capture (no \"" + PassRecord.HEADER + "\" line)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PassRecord.parse("p.txt", PassRecord.HEADER + "\nlaunch 1\nhello x\n"));
        assertEquals("p.txt:3: bad number or missing field", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PassRecord.parse("p.txt", PassRecord.HEADER + "\nlaunch 1\nbogus 2\n"));
        assertEquals("p.txt:3: unknown record \"bogus\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PassRecord.parse("p.txt", PassRecord.HEADER + "\nlaunch 1\n"));
        assertEquals("p.txt: incomplete capture (needs launch, hello and shutdown lines)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PassRecord.parse("p.txt", PassRecord.HEADER + "\nlaunch 1\nrestore 2 3\n"));
        assertEquals("p.txt:3: bad number or missing field", e.getMessage());
    }
}
