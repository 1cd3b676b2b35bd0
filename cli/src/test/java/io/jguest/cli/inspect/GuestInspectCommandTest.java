package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Errno;
import io.jguest.api.Explanation;
import io.jguest.api.GuestFsException;
import io.jguest.api.InspectionReport;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import io.jguest.cli.Cli;
import io.jguest.cli.CliRun;
import io.jguest.cli.FakeGuest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GuestInspectCommandTest {
    private static final Cli.Launcher NEVER = config -> {
        throw new AssertionError("nothing may be launched");
    };

    private static CliRun run(Cli.Launcher launcher, String... args) {
        return CliRun.command(GuestInspectCommand.class, launcher, args);
    }

    /** A guest whose inspection returns {@code report}; records the configurations it was launched with. */
    private static final class Scripted {
        final FakeGuest fake;
        final List<ApplianceConfig> configs = new ArrayList<>();
        final List<Boolean> explainArgs = new ArrayList<>();

        Scripted(InspectionReport report) {
            fake = new FakeGuest()
                    .on("inspectOs", a -> {
                        explainArgs.add((Boolean) a[0]);
                        return report;
                    })
                    .on("listFilesystems", a -> Reports.FILESYSTEMS);
        }

        Cli.Launcher launcher() {
            return config -> {
                configs.add(config);
                return fake.guest();
            };
        }
    }

    private static void assertOneErrorLine(CliRun r, String expected) {
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of(expected), r.errLines(), r::toString);
        assertEquals("", r.out(), r::toString);
    }

    @Nested
    @DisplayName("output")
    class Output {
        @Test
        void xmlByDefaultWithEveryDriveReadOnlyAndTheGuestClosedBeforePrinting() {
            Scripted s = new Scripted(Reports.report(Reports.LINUX));
            CliRun r = run(s.launcher(), "-a", "root.img", "--format", "qcow2", "-a", "data.qcow2");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(InspectionXml.write(OsView.of(Reports.report(Reports.LINUX), Reports.FILESYSTEMS)), r.out());
            assertEquals("", r.err(), r::toString);
            List<Drive> drives = s.configs.getFirst().drives();
            assertEquals(List.of(new Drive(Path.of("root.img"), null, true), new Drive(Path.of("data.qcow2"), "qcow2", true)),
                    drives);
            assertEquals(List.of(false), s.explainArgs);
            assertEquals(List.of("inspectOs", "listFilesystems", "close"), s.fake.calls);
        }

        @Test
        void jsonPrintsTheSameContentAsJson() {
            Scripted s = new Scripted(Reports.report(Reports.LINUX));
            CliRun r = run(s.launcher(), "-a", "root.img", "--json");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(InspectionJson.write(OsView.of(Reports.report(Reports.LINUX), Reports.FILESYSTEMS)), r.out());
        }

        @Test
        void explainAsksForDerivationsAndPrintsThemAfterTheDocument() {
            Scripted s = new Scripted(Reports.explained(Reports.LINUX,
                    new Explanation("distro(\"/dev/sda2\", \"debian\")", "distro(\"/dev/sda2\", \"debian\")   <- built-in\n")));
            CliRun r = run(s.launcher(), "-a", "root.img", "--explain");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(List.of(true), s.explainArgs);
            assertTrue(r.out().endsWith("""
                    </operatingsystems>

                    Explanations for /dev/sda2:
                      distro("/dev/sda2", "debian")   <- built-in
                    """), r::toString);
        }

        @Test
        void warningsGoToStderrAndDoNotChangeTheOutcome() {
            InspectionReport report = new InspectionReport(List.of(Reports.LINUX),
                    List.of("/dev/sda2: /etc/fstab line 3: no mountpoint", "/dev/sdb1: SOFTWARE hive: truncated"), List.of());
            CliRun r = run(new Scripted(report).launcher(), "-a", "root.img");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(List.of("guest-inspect: warning: /dev/sda2: /etc/fstab line 3: no mountpoint",
                    "guest-inspect: warning: /dev/sdb1: SOFTWARE hive: truncated"), r.errLines());
            assertTrue(r.out().startsWith("<?xml version=\"1.0\"?>\n"), r::toString);
        }
    }

    @Nested
    @DisplayName("failures: one line, exit 1")
    class Failures {
        @Test
        void noOperatingSystemNamesTheImages() {
            Scripted s = new Scripted(new InspectionReport(List.of(), List.of("/dev/sda1: not a filesystem"), List.of()));
            CliRun r = run(s.launcher(), "-a", "one.img", "-a", "two.img");
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(List.of("guest-inspect: warning: /dev/sda1: not a filesystem",
                    "guest-inspect: no operating system was found on one.img, two.img"), r.errLines());
            assertEquals("", r.out());
            assertTrue(s.fake.closed);
        }

        @Test
        void guestErrorIsOneLineAndTheGuestIsClosed() {
            FakeGuest fake = new FakeGuest().on("inspectOs", a -> {
                throw new GuestFsException(Errno.EIO, null, "the appliance died");
            });
            CliRun r = run(config -> fake.guest(), "-a", "disk.img");
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.errLines().getFirst().startsWith("guest-inspect: "), r::toString);
            assertTrue(r.errLines().getFirst().contains("the appliance died"), r::toString);
            assertFalse(r.err().contains("\tat "), r::toString);
            assertTrue(fake.closed);
        }

        @Test
        void verboseAddsTheStackTrace() {
            FakeGuest fake = new FakeGuest().on("inspectOs", a -> {
                throw new GuestFsException(Errno.EIO, null, "the appliance died");
            });
            CliRun r = run(config -> fake.guest(), "-v", "-a", "disk.img");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().contains("\tat "), r::toString);
        }

        @Test
        void badImageIsTheLaunchersOneLine() {
            CliRun r = run(config -> {
                throw new ApplianceException.BadDrive("/x/missing.img: no such file");
            }, "-a", "/x/missing.img");
            assertOneErrorLine(r, "guest-inspect: /x/missing.img: no such file");
        }

        @Test
        void noImage() {
            CliRun r = run(NEVER);
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.errLines().getFirst().startsWith("guest-inspect: Missing required option: '--add=IMG'"), r::toString);
        }

        @Test
        void unknownOption() {
            CliRun r = run(NEVER, "-a", "x.img", "--xml");
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.errLines().getFirst().contains("--xml"), r::toString);
            assertTrue(r.errLines().getFirst().contains("guest-inspect --help"), r::toString);
        }

        @Test
        void unknownFormatNamesTheImageAndLaunchesNothing() {
            CliRun r = run(NEVER, "--format", "bogus", "-a", "disk.img");
            assertOneErrorLine(r, "guest-inspect: disk.img: unknown format 'bogus' (expected one of qcow2, qed, raw, vdi,"
                    + " vhdx, vmdk, vpc, auto)");
        }
    }

    @Nested
    @DisplayName("usage")
    class Usage {
        @Test
        void helpNamesTheOptionsAndExitStatus() {
            CliRun r = run(NEVER, "--help");
            assertEquals(0, r.exitCode(), r::toString);
            for (String s : List.of("guest-inspect", "--add", "--format", "--json", "--explain", "--verbose", "--trace",
                    "--version", "Exit status: 0 when at least one operating system was found")) {
                assertTrue(r.out().contains(s), () -> s + "\n" + r);
            }
        }

        @Test
        void versionNamesTheProgram() {
            CliRun r = run(NEVER, "-V");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith("guest-inspect (jguest) "), r::toString);
        }
    }
}
