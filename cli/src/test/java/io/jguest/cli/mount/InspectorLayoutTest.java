package io.jguest.cli.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.DriveMapping;
import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import io.jguest.appliance.Guest;
import io.jguest.cli.CliException;
import io.jguest.cli.FakeGuest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InspectorLayoutTest {
    static InspectedOs linux(String root, List<OsMountpoint> mountpoints) {
        return new InspectedOs(root, "linux", "debian", "Debian GNU/Linux 12", null, 12, 0, "x86_64", "deb.invalid",
                "deb", "apt", null, null, null, mountpoints, List.of(), List.of());
    }

    static InspectedOs windows(String root, List<DriveMapping> letters) {
        return new InspectedOs(root, "windows", "windows", "Windows 10 Pro", "Client", 10, 0, "x86_64", "win.invalid",
                null, null, "19045", "/Windows", "ControlSet001", List.of(new OsMountpoint("/", root)), letters, List.of());
    }

    static InspectionReport report(InspectedOs... roots) {
        return new InspectionReport(List.of(roots), List.of("/dev/sda1: /etc/fstab line 3 does not parse"), List.of());
    }

    private static OsMountpoint mp(String mountpoint, String device) {
        return new OsMountpoint(mountpoint, device);
    }

    private static List<String> mounts(InspectorLayout l) {
        return l.mounts().stream().map(m -> m.device() + " " + m.mountpoint() + " '" + m.options() + "'"
                + (m.required() ? " required" : "")).toList();
    }

    private static String error(InspectionReport r, String root) {
        return assertThrows(CliException.class, () -> InspectorLayout.of(r, root, false)).getMessage();
    }

    @Nested
    @DisplayName("which operating system")
    class Choice {
        final InspectedOs debian = linux("/dev/sda2", List.of(mp("/", "/dev/sda2")));
        final InspectedOs win = windows("/dev/sdb1", List.of());

        @Test
        void noneIsAnError() {
            assertEquals("no operating system was found on the disk(s)", error(report(), null));
            assertEquals("no operating system was found on the disk(s)", error(report(), "/dev/sda2"));
        }

        @Test
        void severalNeedRoot() {
            assertEquals("multiple operating systems found: /dev/sda2 (linux, debian), /dev/sdb1 (windows);"
                    + " choose one with --root", error(report(debian, win), null));
        }

        @Test
        void rootChooses() throws CliException {
            assertEquals(win, InspectorLayout.of(report(debian, win), "/dev/sdb1", false).os());
            assertEquals(debian, InspectorLayout.of(report(debian, win), "/dev/sda2", false).os());
            assertEquals(debian, InspectorLayout.of(report(debian), null, false).os());
        }

        @Test
        void aRootThatIsNoneOfThemListsThem() {
            assertEquals("--root /dev/sdc1: no operating system has its root there; found: /dev/sda2 (linux, debian),"
                    + " /dev/sdb1 (windows)", error(report(debian, win), "/dev/sdc1"));
            assertTrue(error(report(debian), "/dev/sdc1").endsWith("found: /dev/sda2 (linux, debian)"));
        }
    }

    @Nested
    @DisplayName("a Linux guest")
    class Linux {
        @Test
        void shortestMountpointFirstStableForEqualLengths() throws CliException {
            InspectedOs os = linux("/dev/vg/root", List.of(mp("/var", "/dev/vg/var"), mp("/", "/dev/vg/root"),
                    mp("/boot", "/dev/sda1"), mp("/usr", "/dev/vg/usr"), mp("/boot/efi", "/dev/sda3"),
                    mp("/srv", "/dev/sdb1"), mp("/home", "/dev/vg/home")));
            InspectorLayout l = InspectorLayout.of(report(os), null, false);
            assertFalse(l.driveLetters());
            assertEquals(List.of("/dev/vg/root / '' required", "/dev/vg/var /var ''", "/dev/vg/usr /usr ''",
                    "/dev/sdb1 /srv ''", "/dev/sda1 /boot ''", "/dev/vg/home /home ''", "/dev/sda3 /boot/efi ''"), mounts(l));
        }

        @Test
        void readOnlyAddsRo() throws CliException {
            InspectedOs os = linux("/dev/sda2", List.of(mp("/", "/dev/sda2"), mp("/boot", "/dev/sda1")));
            assertEquals(List.of("/dev/sda2 / 'ro' required", "/dev/sda1 /boot 'ro'"),
                    mounts(InspectorLayout.of(report(os), null, true)));
        }

        @Test
        void theRootIsMountedEvenWhenFstabDoesNotSaySoAndOddEntriesAreLeftOut() throws CliException {
            InspectedOs os = linux("/dev/sda2", List.of(mp("/boot", "/dev/sda1"), mp("swap", "/dev/sda3"),
                    mp("/boot", "/dev/sda4")));
            assertEquals(List.of("/dev/sda2 / '' required", "/dev/sda1 /boot ''"),
                    mounts(InspectorLayout.of(report(os), null, false)));
        }

        @Test
        void anyNonWindowsTypeIsMountedPerFstab() throws CliException {
            InspectedOs bsd = new InspectedOs("/dev/sda1", "freebsd", "freebsd", null, null, 14, 0, null, null, null,
                    null, null, null, null, List.of(mp("/", "/dev/sda1")), List.of(), List.of());
            InspectorLayout l = InspectorLayout.of(report(bsd), null, false);
            assertFalse(l.driveLetters());
            assertEquals(List.of("/dev/sda1 / '' required"), mounts(l));
        }
    }

    @Nested
    @DisplayName("a Windows guest")
    class Windows {
        @Test
        void oneDirectoryPerDriveLetterInLetterOrder() throws CliException {
            InspectedOs os = windows("/dev/sda2", List.of(new DriveMapping("E", "/dev/sdb1"), new DriveMapping("c", "/dev/sda2"),
                    new DriveMapping("D", "/dev/sda1")));
            InspectorLayout l = InspectorLayout.of(report(os), null, true);
            assertTrue(l.driveLetters());
            assertEquals(List.of("/dev/sda2 /C 'ro' required", "/dev/sda1 /D 'ro'", "/dev/sdb1 /E 'ro'"), mounts(l));
            assertEquals(List.of(), l.aliases());
        }

        @Test
        void withoutMappingsTheSystemDriveIsC() throws CliException {
            assertEquals(List.of("/dev/sda2 /C '' required"),
                    mounts(InspectorLayout.of(report(windows("/dev/sda2", List.of())), null, false)));
        }

        @Test
        void aSystemDriveLeftOutOfTheMappingsGetsTheFirstFreeLetterFromC() throws CliException {
            InspectedOs os = windows("/dev/sda2", List.of(new DriveMapping("C", "/dev/sda1"), new DriveMapping("E", "/dev/sdb1")));
            assertEquals(List.of("/dev/sda1 /C ''", "/dev/sda2 /D '' required", "/dev/sdb1 /E ''"),
                    mounts(InspectorLayout.of(report(os), null, false)));
        }

        @Test
        void aDeviceMappedTwiceIsMountedOnceAndTheOtherLetterIsAnAlias() throws CliException {
            InspectedOs os = windows("/dev/sda2", List.of(new DriveMapping("C", "/dev/sda2"), new DriveMapping("F", "/dev/sda1"),
                    new DriveMapping("G", "/dev/sda2"), new DriveMapping("D", "/dev/sda1")));
            InspectorLayout l = InspectorLayout.of(report(os), null, false);
            assertEquals(List.of("/dev/sda2 /C '' required", "/dev/sda1 /D ''"), mounts(l));
            assertEquals(List.of(new InspectorLayout.Alias("F", "D"), new InspectorLayout.Alias("G", "C")), l.aliases());
        }
    }

    @Nested
    @DisplayName("applying it in the appliance")
    class Apply {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> warnings = new ArrayList<>();

        FakeGuest guest(Set<String> failing) {
            return new FakeGuest()
                    .on("mkdir", a -> {
                        events.add("mkdir " + a[0]);
                        if (failing.contains("mkdir " + a[0])) {
                            throw new GuestFsException(Errno.EROFS, (String) a[0], "read-only file system");
                        }
                        return null;
                    })
                    .on("mount", a -> {
                        events.add("mount " + a[0] + " " + a[1] + " '" + a[2] + "'");
                        if (failing.contains((String) a[0])) {
                            throw new GuestFsException(Errno.EINVAL, (String) a[0], "wrong fs type, bad option, bad superblock");
                        }
                        return null;
                    })
                    .on("symlink", a -> {
                        events.add("symlink " + a[1] + " -> " + a[0]);
                        return null;
                    });
        }

        void apply(InspectorLayout l, Set<String> failing) throws CliException {
            Guest g = guest(failing).guest();
            l.apply(g, g, warnings::add);
        }

        final InspectorLayout linux = new InspectorLayout(linux("/dev/sda2", List.of()), false, List.of(
                new InspectorLayout.Mount("/dev/sda2", "/", "", true), new InspectorLayout.Mount("/dev/sda3", "/var", "", false),
                new InspectorLayout.Mount("/dev/sda1", "/boot", "", false)), List.of());

        final InspectorLayout win = new InspectorLayout(windows("/dev/sda2", List.of()), true, List.of(
                new InspectorLayout.Mount("/dev/sda2", "/C", "ro", true), new InspectorLayout.Mount("/dev/sda1", "/D", "ro", false)),
                List.of(new InspectorLayout.Alias("E", "C"), new InspectorLayout.Alias("F", "D")));

        @Test
        void linuxMountsInOrderAndAFailureBesideTheRootIsAWarning() throws CliException {
            apply(linux, Set.of("/dev/sda3"));
            assertEquals(List.of("mount /dev/sda2 / ''", "mount /dev/sda3 /var ''", "mount /dev/sda1 /boot ''"), events);
            assertEquals(List.of("could not mount /dev/sda3 on /var: wrong fs type, bad option, bad superblock (EINVAL)"), warnings);
        }

        @Test
        void aFailureOnTheRootIsFatal() {
            CliException e = assertThrows(CliException.class, () -> apply(linux, Set.of("/dev/sda2")));
            assertEquals("could not mount /dev/sda2 on /: wrong fs type, bad option, bad superblock (EINVAL)", e.getMessage());
            assertEquals(List.of("mount /dev/sda2 / ''"), events);
        }

        @Test
        void windowsMakesTheLetterDirectoriesFirstThenMountsThenAliases() throws CliException {
            apply(win, Set.of());
            assertEquals(List.of("mkdir /C", "mkdir /D", "mount /dev/sda2 /C 'ro'", "mount /dev/sda1 /D 'ro'",
                    "symlink /E -> C", "symlink /F -> D"), events);
            assertEquals(List.of(), warnings);
        }

        @Test
        void aDriveThatFailsIsAWarningAndItsAliasIsLeftOut() throws CliException {
            apply(win, Set.of("/dev/sda1"));
            assertEquals(List.of("mkdir /C", "mkdir /D", "mount /dev/sda2 /C 'ro'", "mount /dev/sda1 /D 'ro'",
                    "symlink /E -> C"), events);
            assertEquals(List.of("could not mount /dev/sda1 on /D: wrong fs type, bad option, bad superblock (EINVAL)"), warnings);
        }

        @Test
        void aSysrootWhereNoDirectoryCanBeMadeIsFatalForTheSystemDrive() {
            CliException e = assertThrows(CliException.class, () -> apply(win, Set.of("mkdir /C")));
            assertEquals("could not mount /dev/sda2 on /C: cannot make the directory /C in the appliance:"
                    + " read-only file system (EROFS)", e.getMessage());
        }
    }
}
