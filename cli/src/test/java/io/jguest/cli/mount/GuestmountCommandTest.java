package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DriveMapping;
import io.jguest.api.Errno;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.Drive;
import io.jguest.cli.Cli;
import io.jguest.cli.CliRun;
import io.jguest.cli.FakeGuest;
import io.jguest.mountlocal.CaseInsensitiveFileSystem;
import io.jguest.mountlocal.MountConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestmountCommandTest {
    private static final Cli.Launcher NEVER = config -> {
        throw new AssertionError("nothing may be launched");
    };
    private static final Mounter NO_FUSE = (fs, mp, config) -> {
        throw new AssertionError("nothing may be mounted");
    };

    @TempDir
    Path tmp;
    Path mnt;
    Path img;
    MountRegistry registry;

    @BeforeEach
    void dirs() throws IOException {
        mnt = Files.createDirectory(tmp.resolve("mnt"));
        img = Files.writeString(tmp.resolve("disk.img"), "x");
        registry = new MountRegistry(tmp.resolve("registry"));
    }

    private static void assertOneLine(CliRun r, String... fragments) {
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line expected\n" + r);
        assertTrue(r.errLines().getFirst().startsWith("guestmount: "), r::toString);
        for (String f : fragments) {
            assertTrue(r.errLines().getFirst().contains(f), () -> "'" + f + "' expected\n" + r);
        }
    }

    private CliRun bad(String... args) {
        return Runs.guestmount(NEVER, NO_FUSE, registry, args);
    }

    @Nested
    @DisplayName("bad input: one line, exit 1, nothing launched")
    class BadInput {
        @Test
        void noDrive() {
            assertOneLine(bad("-m", "/dev/sda1", mnt.toString()), "--add");
        }

        @Test
        void noMount() {
            assertOneLine(bad("-a", img.toString(), mnt.toString()), "-m DEV");
        }

        @Test
        void noMountpoint() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1"), "MOUNTPOINT");
        }

        @Test
        void twoMountpoints() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", mnt.toString(), tmp.toString()));
        }

        @Test
        void rootWithoutInspector() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "--root", "/dev/sda2", mnt.toString()),
                    "--root /dev/sda2", "-i");
        }

        @Test
        void readOnlyAndReadWrite() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "--ro", "-w", mnt.toString()), "--ro", "--rw");
        }

        @Test
        void unknownOption() {
            assertOneLine(bad("--bogus", "-a", img.toString(), "-m", "/dev/sda1", mnt.toString()), "--bogus",
                    "guestmount --help");
        }

        @Test
        void unknownFuseOption() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "-o", "nope", mnt.toString()), "-o nope");
        }

        @Test
        void unknownFormat() {
            assertOneLine(bad("--format=vhs", "-a", img.toString(), "-m", "/dev/sda1", mnt.toString()), "disk.img", "vhs");
        }

        @Test
        void negativeCacheTimeout() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "--dir-cache-timeout", "-1", mnt.toString()),
                    "--dir-cache-timeout");
        }

        @Test
        void fdThatIsNotOpen() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "--fd=987", mnt.toString()), "--fd=987");
        }

        @Test
        void pidFileInAMissingDirectory() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "--pid-file", tmp.resolve("no/pid").toString(),
                    mnt.toString()), "--pid-file");
        }

        @Test
        void mountpointMissing() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", tmp.resolve("nope").toString()), "nope",
                    "does not exist");
        }

        @Test
        void mountpointIsAFile() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", img.toString()), "disk.img", "not a directory");
        }

        @Test
        void mountpointNotEmpty() throws IOException {
            Files.writeString(mnt.resolve("f"), "x");
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", mnt.toString()), "mnt", "not empty");
        }

        @Test
        void mountpointAlreadyAMount() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1", "/proc"), "/proc", "already a mount point");
        }

        @Test
        void relativeGuestMountpoint() {
            assertOneLine(bad("-a", img.toString(), "-m", "/dev/sda1:boot", mnt.toString()), "absolute");
        }
    }

    @Test
    void theBackgroundChildIsToldToInspectAndWhichRoot() throws Exception {
        Cli cli = new Cli(io.jguest.cli.Terminal.of(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter())), NEVER);
        GuestmountCommand cmd = new GuestmountCommand(cli, NO_FUSE, registry);
        new picocli.CommandLine(cmd, new io.jguest.cli.CliFactory(cli)).parseArgs("-a", img.toString(), "-i", "--root",
                "/dev/sda2", "--ro", mnt.toString());
        List<String> child = cmd.childCommand(cmd.plan());
        assertTrue(child.containsAll(List.of("--ro", "--inspector", "--root=/dev/sda2", "--no-fork")), child::toString);
        GuestmountCommand again = new GuestmountCommand(cli, NO_FUSE, registry);
        int options = child.indexOf("--format=auto");
        new picocli.CommandLine(again, new io.jguest.cli.CliFactory(cli)).parseArgs(
                child.subList(options, child.size()).toArray(String[]::new));
        MountPlan plan = again.plan();
        assertTrue(plan.inspector());
        assertEquals("/dev/sda2", plan.root());
        assertTrue(plan.readOnly());
    }

    @Test
    void fuseHelpNeedsNoOtherOption() {
        CliRun r = bad("--fuse-help");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("allow_other"), r::toString);
        assertTrue(r.out().contains("kernel_cache"), r::toString);
    }

    @Test
    void versionNamesTheProgram() {
        CliRun r = bad("-V");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("guestmount (jguest) "), r::toString);
    }

    @Nested
    @DisplayName("the serving flow, without FUSE or an appliance")
    class Flow {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<ApplianceConfig> launched = new AtomicReference<>();
        final AtomicReference<MountConfig> mountConfig = new AtomicReference<>();
        FakeLocalMount mount;

        FakeGuest guest() {
            return new FakeGuest()
                    .on("mount", a -> {
                        events.add("mount " + a[0] + " " + a[1] + " '" + a[2] + "' " + a[3]);
                        return null;
                    })
                    .on("lvmActivateAll", a -> {
                        events.add("lvm");
                        return List.of();
                    })
                    .on("isAlive", a -> true)
                    .on("sync", a -> {
                        events.add("sync");
                        return null;
                    });
        }

        Mounter mounter() {
            return (fs, mp, config) -> {
                events.add("fuse " + mp);
                mountConfig.set(config);
                mount = new FakeLocalMount(mp, events);
                mount.whileMounted = mount::unmountFromOutside;
                return new Mounter.Served(mount, () -> events.add("flush"));
            };
        }

        CliRun run(FakeGuest fake, String... args) {
            return Runs.guestmount(config -> {
                launched.set(config);
                return fake.guest();
            }, mounter(), registry, args);
        }

        @Test
        void mountsInOrderThenServesThenCleansUpInOrder() throws IOException {
            FakeGuest fake = guest();
            Path pid = tmp.resolve("gm.pid");
            AtomicReference<String> whileMounted = new AtomicReference<>();
            Mounter m = (fs, mp, config) -> {
                Mounter.Served s = mounter().mount(fs, mp, config);
                mount.whileMounted = () -> {
                    whileMounted.set(readQuietly(pid) + "|" + registry.lookup(mp).map(r -> r.server().pid()).orElse(-1L));
                    mount.unmountFromOutside();
                };
                return s;
            };
            CliRun r = Runs.guestmount(config -> {
                launched.set(config);
                return fake.guest();
            }, m, registry, "--no-fork", "-a", img.toString(), "--format=raw", "-a", img.toString(),
                    "-m", "/dev/sda2:/:noatime", "-m", "/dev/sda1:/boot::ext4", "--pid-file", pid.toString(),
                    "-o", "allow_other", "--dir-cache-timeout", "7", mnt.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("", r.err(), r::toString);
            assertEquals(List.of("mount /dev/sda2 / 'noatime' null", "mount /dev/sda1 /boot '' ext4",
                    "fuse " + mnt.toRealPath(), "fusermount -u", "close mount", "flush", "sync"), events);
            assertTrue(fake.closed, "appliance shut down");
            long me = ProcessHandle.current().pid();
            assertEquals(me + "\n|" + me, whileMounted.get(), "pid file and registration exist while mounted");
            assertFalse(Files.exists(pid), "pid file removed");
            assertEquals(Optional.empty(), registry.lookup(mnt.toRealPath()), "registration removed");
            List<Drive> drives = launched.get().drives();
            assertEquals(2, drives.size());
            assertFalse(drives.getFirst().readOnly());
            assertEquals(java.util.Arrays.asList(null, "raw"), drives.stream().map(Drive::format).toList());
            assertTrue(drives.getFirst().path().isAbsolute());
            MountConfig c = mountConfig.get();
            assertFalse(c.readOnly());
            assertEquals(List.of("allow_other"), c.fuseOptions());
            assertEquals(java.time.Duration.ofSeconds(7), c.cacheTimeout());
            assertEquals("disk.img", c.fsName());
        }

        @Test
        void readOnlyAttachesReadOnlyMountsRoAndExposesReadOnly() {
            FakeGuest fake = guest();
            CliRun r = run(fake, "--no-fork", "--ro", "-n", "-a", img.toString(), "-m", "/dev/vg0/root", mnt.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(launched.get().drives().getFirst().readOnly());
            assertTrue(mountConfig.get().readOnly());
            assertEquals("lvm", events.getFirst(), "volume groups activated before mounting an LV");
            assertTrue(events.contains("mount /dev/vg0/root / 'ro' null"), events::toString);
            assertFalse(events.contains("sync"), "-n: no sync");
        }

        @Test
        void aFailedMountListsTheFilesystemsAndLeavesNothing() {
            FakeGuest fake = guest()
                    .on("mount", a -> {
                        throw new GuestFsException(Errno.ENOENT, (String) a[0], "no such device");
                    })
                    .on("listFilesystems", a -> List.of(new Filesystem("/dev/sda1", "ext4", "root", "u"),
                            new Filesystem("/dev/sda2", "swap", "", "v")));
            CliRun r = run(fake, "--no-fork", "-a", img.toString(), "-m", "/dev/sdz9", mnt.toString());
            assertEquals(1, r.exitCode(), r::toString);
            List<String> lines = r.errLines();
            assertEquals("guestmount: -m /dev/sdz9: no such device (ENOENT)", lines.getFirst(), r::toString);
            assertTrue(lines.get(1).contains("filesystems found"), r::toString);
            assertTrue(lines.get(2).contains("/dev/sda1 (ext4, label 'root')"), r::toString);
            assertEquals(3, lines.size(), "swap is no hint\n" + r);
            assertTrue(fake.closed);
            assertFalse(events.stream().anyMatch(e -> e.startsWith("fuse")), events::toString);
        }

        @Test
        void aDeadApplianceAtUnmountIsAnError() {
            FakeGuest fake = guest().on("isAlive", a -> false);
            CliRun r = run(fake, "--no-fork", "-a", img.toString(), "-m", "/dev/sda1", mnt.toString());
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.errLines().getFirst().contains("appliance stopped unexpectedly"), r::toString);
            assertTrue(fake.closed);
        }

        final AtomicReference<GuestFileSystem> served = new AtomicReference<>();

        FakeGuest inspected(InspectionReport report) {
            return guest()
                    .on("inspectOs", a -> {
                        events.add("inspect");
                        return report;
                    })
                    .on("mkdir", a -> {
                        events.add("mkdir " + a[0]);
                        return null;
                    });
        }

        CliRun runServing(FakeGuest fake, String... args) {
            return Runs.guestmount(config -> {
                launched.set(config);
                return fake.guest();
            }, (fs, mp, config) -> {
                served.set(fs);
                return mounter().mount(fs, mp, config);
            }, registry, args);
        }

        @Test
        void inspectorMountsALinuxGuestPerFstabThenTheMOptionsWithWarnings() throws IOException {
            InspectedOs os = InspectorLayoutTest.linux("/dev/sda2", List.of(new OsMountpoint("/var", "/dev/sda3"),
                    new OsMountpoint("/", "/dev/sda2"), new OsMountpoint("/boot", "/dev/sda1")));
            FakeGuest fake = inspected(InspectorLayoutTest.report(os)).on("mount", a -> {
                events.add("mount " + a[0] + " " + a[1] + " '" + a[2] + "'");
                if (a[0].equals("/dev/sda3")) {
                    throw new GuestFsException(Errno.EUCLEAN, "/dev/sda3", "structure needs cleaning");
                }
                return null;
            });
            CliRun r = runServing(fake, "--no-fork", "-a", img.toString(), "-i", "--ro", "-m", "/dev/sdb1:/srv", mnt.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(List.of("guestmount: warning: could not mount /dev/sda3 on /var: structure needs cleaning (EUCLEAN)"),
                    r.errLines());
            assertEquals(List.of("inspect", "mount /dev/sda2 / 'ro'", "mount /dev/sda3 /var 'ro'", "mount /dev/sda1 /boot 'ro'",
                    "mount /dev/sdb1 /srv 'ro'", "fuse " + mnt.toRealPath()), events.subList(0, 6));
            assertTrue(launched.get().drives().getFirst().readOnly());
            assertTrue(served.get() instanceof io.jguest.appliance.Guest, "a Linux guest stays case-sensitive");
        }

        @Test
        void inspectorShowsAWindowsGuestsDriveLettersCaseInsensitively() throws IOException {
            InspectedOs os = InspectorLayoutTest.windows("/dev/sda2", List.of(new DriveMapping("C", "/dev/sda2"),
                    new DriveMapping("D", "/dev/sda1")));
            CliRun r = runServing(inspected(InspectorLayoutTest.report(os)), "--no-fork", "-a", img.toString(), "-i",
                    mnt.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("", r.err(), r::toString);
            assertEquals(List.of("inspect", "mkdir /C", "mkdir /D", "mount /dev/sda2 /C '' null", "mount /dev/sda1 /D '' null",
                    "fuse " + mnt.toRealPath()), events.subList(0, 6));
            assertTrue(served.get() instanceof CaseInsensitiveFileSystem, served.get()::toString);
            assertFalse(launched.get().drives().getFirst().readOnly());
        }

        @Test
        void inspectorWithSeveralSystemsAndNoRootListsThemAndMountsNothing() {
            FakeGuest fake = inspected(InspectorLayoutTest.report(
                    InspectorLayoutTest.linux("/dev/sda2", List.of()), InspectorLayoutTest.windows("/dev/sdb1", List.of())));
            CliRun r = runServing(fake, "--no-fork", "-a", img.toString(), "-a", img.toString(), "-i", mnt.toString());
            assertOneLine(r, "multiple operating systems found: /dev/sda2 (linux, debian), /dev/sdb1 (windows); choose one with --root");
            assertEquals(List.of("inspect"), events);
            assertTrue(fake.closed, "appliance shut down");
        }

        @Test
        void inspectorWithRootMountsThatOne() {
            FakeGuest fake = inspected(InspectorLayoutTest.report(
                    InspectorLayoutTest.linux("/dev/sda2", List.of()), InspectorLayoutTest.windows("/dev/sdb1", List.of())));
            CliRun r = runServing(fake, "--no-fork", "-a", img.toString(), "-a", img.toString(), "-i", "--root", "/dev/sdb1",
                    mnt.toString());
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals(List.of("inspect", "mkdir /C", "mount /dev/sdb1 /C '' null"), events.subList(0, 3));
        }

        @Test
        void inspectorWithoutAnOperatingSystem() {
            CliRun r = runServing(inspected(InspectorLayoutTest.report()), "--no-fork", "-a", img.toString(), "-i", mnt.toString());
            assertOneLine(r, "guestmount: no operating system was found on the disk(s)");
        }

        @Test
        void anApplianceThatCannotInspect() {
            CliRun r = runServing(guest(), "--no-fork", "-a", img.toString(), "-i", mnt.toString());
            assertOneLine(r, "-i: cannot inspect the disks", "ENOSYS");
        }

        @Test
        void aLaunchFailureMountsNothing() {
            CliRun r = Runs.guestmount(config -> {
                throw new io.jguest.appliance.ApplianceException.BadDrive(img + ": not a disk image");
            }, NO_FUSE, registry, "--no-fork", "-a", img.toString(), "-m", "/dev/sda1", mnt.toString());
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(List.of("guestmount: " + img + ": not a disk image"), r.errLines());
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "missing";
        }
    }
}
