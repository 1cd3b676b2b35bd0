package io.jguest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.BlockDevice;
import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import io.jguest.api.Timespec;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.Drive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MainTest {
    private static final Cli.Launcher NEVER = config -> {
        throw new AssertionError("no launch expected");
    };

    private static void assertOneErrorLine(CliRun r, String... fragments) {
        assertEquals(ExitCodes.ERROR, r.exitCode(), r::toString);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "one error line expected\n" + r);
        assertTrue(lines.getFirst().startsWith("jguest: "), r::toString);
        for (String f : fragments) {
            assertTrue(lines.getFirst().contains(f), () -> "'" + f + "' expected in\n" + r);
        }
    }

    @Nested
    @DisplayName("usage")
    class Usage {
        @Test
        void helpListsTheCommandsAndExitCodes() {
            CliRun r = CliRun.run(NEVER, "--help");
            assertEquals(0, r.exitCode(), r::toString);
            for (String c : List.of("list", "ls", "cat", "boot-benchmark", "Exit status")) {
                assertTrue(r.out().contains(c), r::toString);
            }
        }

        @Test
        void versionPrintsTheVersion() {
            CliRun r = CliRun.run(NEVER, "-V");
            assertEquals(0, r.exitCode());
            assertTrue(r.out().startsWith("jguest "), r::toString);
        }

        @Test
        void noCommandIsAUsageError() {
            assertOneErrorLine(CliRun.run(NEVER), "missing command");
        }

        @Test
        void unknownOptionIsExit1WithOneLine() {
            assertOneErrorLine(CliRun.run(NEVER, "list", "--bogus", "-a", "x.img"), "--bogus", "jguest list --help");
        }

        @Test
        void listNeedsADrive() {
            assertOneErrorLine(CliRun.run(NEVER, "list"), "--add");
        }

        @Test
        void lsNeedsAMount() {
            assertOneErrorLine(CliRun.run(NEVER, "ls", "-a", "x.img"), "--mount");
        }

        @Test
        void relativeMountpointIsRejected() {
            assertOneErrorLine(CliRun.run(NEVER, "ls", "-a", "x.img", "-m", "/dev/sda1:boot"), "absolute");
        }

        @Test
        void unknownFormatNamesTheImageAndLaunchesNothing() {
            assertOneErrorLine(CliRun.run(NEVER, "list", "--format", "bogus", "-a", "disk.img"), "disk.img", "bogus");
        }
    }

    @Nested
    @DisplayName("errors become one line")
    class Errors {
        @Test
        void applianceErrorIsPrintedAsIs() {
            CliRun r = CliRun.run(config -> {
                throw new ApplianceException.BadDrive("/x/y.img: no such file");
            }, "list", "-a", "/x/y.img");
            assertOneErrorLine(r);
            assertEquals("jguest: /x/y.img: no such file", r.errLines().getFirst());
        }

        @Test
        void verboseAddsTheStackTraceAndConsoleTail() {
            CliRun r = CliRun.run(config -> {
                throw new ApplianceException.LaunchFailed("qemu exited (status 1)", "[    0.1] console line", null);
            }, "-v", "list", "-a", "a.img");
            assertEquals(1, r.exitCode());
            assertEquals("jguest: qemu exited (status 1)", r.errLines().getFirst());
            assertTrue(r.err().contains("console line"), r::toString);
            assertTrue(r.err().contains("at io.jguest"), r::toString);
        }

        @Test
        void guestErrorClosesTheGuest() {
            FakeGuest fake = new FakeGuest()
                    .on("mount", a -> null)
                    .on("open", a -> {
                        throw new GuestFsException(Errno.ENOENT, (String) a[0], "No such file or directory");
                    });
            CliRun r = CliRun.run(config -> fake.guest(), "cat", "-a", "a.img", "-m", "/dev/sda1", "/nope");
            assertOneErrorLine(r, "/nope", "ENOENT");
            assertTrue(fake.closed);
        }

        @Test
        void unexpectedExceptionIsAnInternalErrorLine() {
            CliRun r = CliRun.run(config -> {
                throw new IllegalStateException("boom");
            }, "list", "-a", "a.img");
            assertOneErrorLine(r, "internal error", "boom");
        }
    }

    @Test
    void formatAppliesToTheFollowingDrivesAndTrailingFormatToTheRest() {
        var launcher = new CliRun.RecordingLauncher(config -> {
            throw new ApplianceException("stop here");
        });
        CliRun.run(launcher, "list", "-a", "a.img", "--format", "qcow2", "-a", "b.img", "--format", "auto",
                "-a", "c.img", "--format", "raw");
        List<Drive> drives = launcher.configs.getFirst().drives();
        assertEquals(Arrays.asList("raw", "qcow2", "raw"), drives.stream().map(Drive::format).toList());
        assertTrue(drives.stream().allMatch(Drive::readOnly), "list attaches read-only");
    }

    @Test
    void listPrintsDevicesPartitionsFilesystemsAndVolumes() {
        FakeGuest fake = new FakeGuest()
                .on("lvmActivateAll", a -> List.of(new LogicalVolume("/dev/vg0/lv0", "vg0", "lv0", 8388608)))
                .on("listDevices", a -> List.of(new BlockDevice("/dev/sda", 41943040, true, "dos", "1234abcd")))
                .on("listPartitions", a -> List.of(
                        new Partition("/dev/sda1", "/dev/sda", 1, 1048576, 10485760, "dos", "0x83", "1234abcd-01")))
                .on("listFilesystems", a -> List.of(new Filesystem("/dev/sda1", "ext4", "root", "u-u-i-d")));
        CliRun r = CliRun.run(config -> fake.guest(), "list", "-a", "disk.img");
        assertEquals(0, r.exitCode(), r::toString);
        for (String s : List.of("/dev/sda", "1234abcd", "disk.img", "1048576", "0x83", "1234abcd-01", "ext4", "root",
                "u-u-i-d", "/dev/vg0/lv0", "8388608")) {
            assertTrue(r.out().contains(s), () -> s + " missing\n" + r);
        }
        assertTrue(fake.closed);
    }

    @Test
    void lsMountsReadOnlyShortestMountpointFirstAndSortsNames() {
        List<String> mounts = new ArrayList<>();
        FakeGuest fake = new FakeGuest()
                .on("mount", a -> {
                    mounts.add(a[0] + " " + a[1] + " " + a[2]);
                    return null;
                })
                .on("readdir", a -> List.of(new DirEntry("zeta", FileType.REGULAR, 12, null),
                        new DirEntry("alpha", FileType.DIRECTORY, 11, null)));
        CliRun r = CliRun.run(config -> fake.guest(), "ls", "-a", "d.img", "-m", "/dev/sda2:/boot", "-m", "/dev/sda1",
                "/");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("/dev/sda1 / ro", "/dev/sda2 /boot ro"), mounts);
        assertEquals("alpha\nzeta\n", r.out().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void lsLongShowsModeSizeAndLinkTarget() {
        Timespec t = new Timespec(0, 0);
        FakeGuest fake = new FakeGuest()
                .on("mount", a -> null)
                .on("readlink", a -> "target.txt")
                .on("readdirPlus", a -> List.of(
                        new DirEntry("f", FileType.REGULAR, 1, new FileAttributes(1, 0100644, 1, 0, 0, 0, 42, 8, 4096, t, t, t)),
                        new DirEntry("l", FileType.SYMLINK, 2, new FileAttributes(2, 0120777, 1, 0, 0, 0, 10, 0, 4096, t, t, t))));
        CliRun r = CliRun.run(config -> fake.guest(), "ls", "-l", "-a", "d.img", "-m", "/dev/sda1");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("-rw-r--r--"), r::toString);
        assertTrue(r.out().contains("42"), r::toString);
        assertTrue(r.out().contains("l -> target.txt"), r::toString);
    }

    @Test
    void catStreamsInChunksAndReleases() {
        byte[] content = "héllo wörld\n".repeat(3).getBytes(StandardCharsets.UTF_8);
        AtomicInteger reads = new AtomicInteger();
        FakeGuest fake = new FakeGuest()
                .on("mount", a -> null)
                .on("open", a -> 7L)
                .on("pread", a -> {
                    reads.incrementAndGet();
                    long off = (Long) a[1];
                    // answer 5 bytes at a time to split multi-byte characters across chunks
                    int n = (int) Math.min(5, Math.max(0, content.length - off));
                    return Arrays.copyOfRange(content, (int) off, (int) off + n);
                })
                .on("release", a -> null);
        CliRun r = CliRun.run(config -> fake.guest(), "cat", "-a", "d.img", "-m", "/dev/sda1", "/f");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(new String(content, StandardCharsets.UTF_8), r.out());
        assertTrue(reads.get() > 2);
        assertTrue(fake.calls.contains("release"));
        assertFalse(r.err().contains("jguest:"), r::toString);
    }
}
