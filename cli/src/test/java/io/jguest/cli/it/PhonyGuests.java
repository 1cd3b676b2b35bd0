package io.jguest.cli.it;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.Filesystem;
import io.jguest.api.InspectedOs;
import io.jguest.api.OsMountpoint;
import io.jguest.api.Partition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The phony guests of {@code scripts/make-phony-guests}, for the appliance ITs: {@link #get} builds
 * them all once per JVM into {@code target/phony-guests} (or {@code -Djguest.phony.dir=DIR}; the
 * script only rebuilds an image when the script or {@code scripts/phony/*} changed since it was
 * built), and {@link Expected} says what each one is, in the device names of an appliance with that
 * image as its only disk: the values libguestfs 1.48's virt-inspector reports for it
 * ({@code docs/virt-inspector/NAME.xml}), which our inspection must agree with.
 *
 * <p>{@code linux-lvm.qcow2} needs root and a loop device to build (losetup and LVM): without them
 * the script skips it, saying why, and {@link #get} aborts the calling test with that reason (a JUnit
 * assumption).
 */
final class PhonyGuests {
    static final String LINUX_GPT = "linux-gpt.img";
    static final String LINUX_LVM = "linux-lvm.qcow2";
    static final String WINDOWS_MBR = "windows-mbr.img";
    static final String WINDOWS_GPT = "windows-gpt.img";
    /** Every image, in the order the script builds them. */
    static final List<String> NAMES = List.of(LINUX_GPT, LINUX_LVM, WINDOWS_MBR, WINDOWS_GPT);

    private static final long BUILD_TIMEOUT_MINUTES = 15;
    private static Path built;
    private static List<String> scriptOutput = List.of();
    private static AssertionError failure;

    private PhonyGuests() {
    }

    /** The image {@code name} (one of {@link #NAMES}), built on first use. */
    static Path get(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no phony guest " + name + " (one of " + NAMES + ")");
        }
        Path dir = buildAll();
        Path image = dir.resolve(name);
        if (!Files.isRegularFile(image)) {
            // the script skips what this host cannot build (linux-lvm.qcow2 without root) and says why
            String why = scriptOutput.stream().filter(line -> line.contains(name + ": skipped")).findFirst().orElse(null);
            Assumptions.assumeTrue(why == null, why);
            throw new AssertionError("scripts/make-phony-guests succeeded but made no " + image);
        }
        return image;
    }

    /** The image that {@code expected} describes. */
    static Path get(Expected expected) {
        return get(expected.image());
    }

    /** Runs the script once per JVM; a failure is remembered and reported to every caller. */
    private static synchronized Path buildAll() {
        if (failure != null) {
            throw failure;
        }
        if (built != null) {
            return built;
        }
        Path dir = Path.of(System.getProperty("jguest.phony.dir", "target/phony-guests")).toAbsolutePath();
        Path script = MountTool.script("make-phony-guests");
        Path log = dir.resolve("make-phony-guests.log");
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(script.toString(), dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putIfAbsent("JGUEST_ACCEL", "tcg");
            Process p = pb.start();
            if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroy(); // SIGTERM: the script's trap unmounts and removes its temp files
                if (!p.waitFor(1, TimeUnit.MINUTES)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
                throw fail(script + " took more than " + BUILD_TIMEOUT_MINUTES + " minutes", log);
            }
            if (p.exitValue() != 0) {
                throw fail(script + " " + dir + " failed (exit " + p.exitValue() + ")", log);
            }
            List<String> output = Files.readAllLines(log);
            output.forEach(line -> System.err.println("[phony-guests] " + line));
            scriptOutput = output;
            built = dir;
            return dir;
        } catch (IOException e) {
            throw fail("cannot run " + script + ": " + e.getMessage(), log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted while running " + script, log);
        } catch (AssertionError e) {
            failure = e;
            throw e;
        }
    }

    private static AssertionError fail(String what, Path log) {
        String output;
        try {
            List<String> lines = Files.readAllLines(log);
            output = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            output = "(no output: " + e.getMessage() + ")";
        }
        failure = new AssertionError(what + "; its output (" + log + "):\n" + output);
        return failure;
    }

    /**
     * A file of a phony guest and its content.
     *
     * @param device  the filesystem holding it (device name as in {@link Expected})
     * @param path    its path on that filesystem
     * @param content its whole content (UTF-8)
     */
    record KnownFile(String device, String path, String content) {
    }

    /**
     * What a phony guest is: its disk layout as the appliance lists it, its filesystems, a few files,
     * and the operating system that inspection must find ({@code os}, the same values as
     * virt-inspector's; {@code buildId}, which virt-inspector does not print, is libguestfs's
     * {@code inspect_get_build_id}).
     *
     * @param image       file name in the build directory
     * @param format      {@code raw} or {@code qcow2}
     * @param tableType   {@code dos} or {@code gpt}
     * @param diskId      MBR disk signature (8 hex digits) or GPT disk GUID, lower case
     * @param partitions  the partitions, as {@code listPartitions} reports them
     * @param filesystems every filesystem (and LVM member), as {@code listFilesystems} reports them
     * @param files       files with known content
     * @param os          the one operating system on the image
     */
    record Expected(String image, String format, String tableType, String diskId, List<Partition> partitions,
                    List<Filesystem> filesystems, List<KnownFile> files, InspectedOs os) {
        private static final String GPT_LINUX = TestImages.GPT_LINUX;
        private static final String GPT_MS_DATA = TestImages.GPT_MS_DATA;
        private static final long MIB = TestImages.MIB;

        /**
         * Debian 12 on GPT: {@code /boot} and {@code /} ext4, fstab by {@code UUID=} (plus a cdrom line
         * under {@code /media} that inspection skips), {@code /bin -> usr/bin}, dpkg status with one
         * package removed but not purged ({@code nano}: not an application). libguestfs's os-release
         * parser declines Debian's major-only {@code VERSION_ID}, so the version and product name come
         * from {@code /etc/debian_version}: product name {@code 12.8}, not the os-release PRETTY_NAME.
         */
        static final Expected LINUX_GPT = new Expected(PhonyGuests.LINUX_GPT, "raw", "gpt",
                "0d5bac3a-e959-4253-8871-2e53b6e3f8ba",
                List.of(new Partition("/dev/sda1", "/dev/sda", 1, MIB, 32 * MIB, "gpt", GPT_LINUX,
                                "0e6d9cad-80c5-4106-a78f-9247ee4de1d4"),
                        new Partition("/dev/sda2", "/dev/sda", 2, 33 * MIB, 94 * MIB, "gpt", GPT_LINUX,
                                "36aeb9c4-0a7c-4b16-89c2-757dde59f6bd")),
                List.of(new Filesystem("/dev/sda1", "ext4", "boot", "4eece099-9403-495d-955a-399c61f123ec"),
                        new Filesystem("/dev/sda2", "ext4", "root", "6c92bf2a-f567-43cf-8c67-29e6e2260575")),
                List.of(new KnownFile("/dev/sda2", "/etc/hostname", "debian-gpt.invalid\n"),
                        new KnownFile("/dev/sda2", "/etc/debian_version", "12.8\n")),
                new InspectedOs("/dev/sda2", "linux", "debian", "12.8", null, 12, 8, "x86_64", "debian-gpt.invalid",
                        "deb", "apt", null, null, null,
                        List.of(new OsMountpoint("/", "/dev/sda2"), new OsMountpoint("/boot", "/dev/sda1")),
                        List.of(),
                        List.of(deb("base-files", "12.4+deb12u8", "", "Debian base system miscellaneous files", ""),
                                deb("bash", "5.2.15", "2+b7", "GNU Bourne Again SHell",
                                        "http://tiswww.case.edu/php/chet/bash/bashtop.html"),
                                deb("coreutils", "9.1", "1", "GNU core utilities",
                                        "https://www.gnu.org/software/coreutils/"),
                                deb("dash", "0.5.12", "2", "POSIX-compliant shell",
                                        "http://gondor.apana.org.au/~herbert/dash/"),
                                deb("libc6", "2.36", "9+deb12u9", "GNU C Library: Shared libraries",
                                        "https://www.gnu.org/software/libc/libc.html"),
                                deb("linux-image-6.1.0-28-amd64", "6.1.119", "1", "Linux 6.1 for 64-bit PCs (signed)", ""),
                                new Application("openssh-server", "", 1, "9.2p1", "2+deb12u3", "amd64", "",
                                        "https://www.openssh.com/", "",
                                        "secure shell (SSH) server, for secure access from remote machines"))));

        /**
         * Fedora 38 on MBR with LVM, no os-release: {@code /boot} ext4 labelled BOOT on
         * {@code /dev/sda1}, VG {@code phonyvg} on {@code /dev/sda2} with {@code root} (ext4) and
         * {@code var} (xfs); fstab by {@code /dev/mapper/phonyvg-root}, {@code LABEL=BOOT} and
         * {@code /dev/phonyvg/var}; an RPM database (sqlite) at {@code /usr/lib/sysimage/rpm}.
         */
        static final Expected LINUX_LVM = new Expected(PhonyGuests.LINUX_LVM, "qcow2", "dos", "4c564d31",
                List.of(new Partition("/dev/sda1", "/dev/sda", 1, MIB, 32 * MIB, "dos", "0x83", "4c564d31-01"),
                        new Partition("/dev/sda2", "/dev/sda", 2, 33 * MIB, 479 * MIB, "dos", "0x8e", "4c564d31-02")),
                List.of(new Filesystem("/dev/sda1", "ext4", "BOOT", "f70c8dd0-2a93-48bd-914c-631745f04994"),
                        new Filesystem("/dev/sda2", "LVM2_member", "", "JgPhny-PV00-0000-0000-0000-0000-000001"),
                        new Filesystem("/dev/phonyvg/root", "ext4", "root", "4dda1891-9b6a-42d9-9cab-9b25cae8e10f"),
                        new Filesystem("/dev/phonyvg/var", "xfs", "var", "42442e46-553c-4570-a4a0-5b066b01c78c")),
                List.of(new KnownFile("/dev/phonyvg/root", "/etc/hostname", "fedora-lvm.invalid\n"),
                        new KnownFile("/dev/phonyvg/root", "/etc/redhat-release", "Fedora release 38 (Thirty Eight)\n"),
                        new KnownFile("/dev/phonyvg/var", "/spool/anacron/cron.daily", "20230418\n")),
                new InspectedOs("/dev/phonyvg/root", "linux", "fedora", "Fedora release 38 (Thirty Eight)", null, 38, 0,
                        "x86_64", "fedora-lvm.invalid", "rpm", "dnf", null, null, null,
                        List.of(new OsMountpoint("/", "/dev/phonyvg/root"), new OsMountpoint("/var", "/dev/phonyvg/var"),
                                new OsMountpoint("/boot", "/dev/sda1")),
                        List.of(),
                        List.of(rpm("NetworkManager", 1, "1.42.0", "1.fc38", "x86_64", "https://networkmanager.dev/",
                                        "Network connection manager and user applications"),
                                rpm("bash", 0, "5.2.15", "3.fc38", "x86_64", "https://www.gnu.org/software/bash",
                                        "The GNU Bourne Again shell"),
                                rpm("dnf", 0, "4.14.0", "1.fc38", "noarch",
                                        "https://github.com/rpm-software-management/dnf", "Package manager"),
                                rpm("fedora-release-common", 0, "38", "36", "noarch", "https://fedoraproject.org/",
                                        "Fedora release files"),
                                rpm("kernel-core", 0, "6.2.9", "300.fc38", "x86_64", "https://www.kernel.org/",
                                        "The Linux kernel"))));

        /**
         * Windows 7 (i386) on MBR, disk signature {@code "1234"}: C: NTFS on {@code /dev/sda1}, D: NTFS
         * on {@code /dev/sda2}. MountedDevices also holds {@code \DosDevices\Z:} for a disk with
         * another signature and a {@code \??\Volume{...}} value: neither maps.
         */
        static final Expected WINDOWS_MBR = new Expected(PhonyGuests.WINDOWS_MBR, "raw", "dos", "34333231",
                List.of(new Partition("/dev/sda1", "/dev/sda", 1, MIB, 48 * MIB, "dos", "0x7", "34333231-01"),
                        new Partition("/dev/sda2", "/dev/sda", 2, 49 * MIB, 47 * MIB, "dos", "0x7", "34333231-02")),
                List.of(new Filesystem("/dev/sda1", "ntfs", "Windows", "0E566AB6CAF26635"),
                        new Filesystem("/dev/sda2", "ntfs", "Data", "5012D2D5D863F7D9")),
                List.of(new KnownFile("/dev/sda1", "/autoexec.bat", ""),
                        new KnownFile("/dev/sda2", "/data/readme.txt",
                                "Drive D: of the phony Windows 7 guest (windows-mbr.img, partition 2).\n"),
                        new KnownFile("/dev/sda2", "/data/numbers.csv", "id,name\n1,alpha\n2,beta\n")),
                new InspectedOs("/dev/sda1", "windows", "windows", "Microsoft Windows 7 Phony Edition", "Client", 6, 1,
                        "i386", "windows-mbr.invalid", null, null, "7601", "/Windows", "ControlSet001",
                        List.of(new OsMountpoint("/", "/dev/sda1")),
                        List.of(new DriveMapping("C", "/dev/sda1"), new DriveMapping("D", "/dev/sda2")),
                        List.of(win("test1", "Test Application 1", "1.2.3", "Red Hat Inc.", "https://example.com/test1",
                                        "", "First test application"),
                                win("test2", "Test Application 2", "1.2.4", "Red Hat Inc.", "https://example.com/test2",
                                        "", "Second test application"),
                                win("test3", "Test Application 3", "1.2.5", "Red Hat Inc.", "https://example.com/test3",
                                        "C:\\Program Files\\Red Hat\\test3", "Third test application"),
                                win("test4", "Test Application 4", "1.2.6", "Red Hat Inc.", "", "",
                                        "Fourth test application (32-bit view)"))));

        /**
         * Windows 10 (x86_64) on GPT: C: NTFS on {@code /dev/sda1}, E: NTFS on {@code /dev/sda2},
         * mapped by {@code DMIO:ID:} + partition GUID. {@code Select\Current} is 2: the current control
         * set is {@code ControlSet002} ({@code ControlSet001} holds a stale host name). MountedDevices
         * also holds F: (a GUID on no partition here), G: (a CD-ROM device path) and a
         * {@code \??\Volume{...}} value: none maps. The Uninstall key {@code AddressBook} has no
         * DisplayName: not an application.
         */
        static final Expected WINDOWS_GPT = new Expected(PhonyGuests.WINDOWS_GPT, "raw", "gpt",
                "9688cbf6-e7c7-403f-905e-c95318524529",
                List.of(new Partition("/dev/sda1", "/dev/sda", 1, MIB, 64 * MIB, "gpt", GPT_MS_DATA,
                                "08e94432-ad3f-458b-a967-b734443be6ba"),
                        new Partition("/dev/sda2", "/dev/sda", 2, 65 * MIB, 60 * MIB, "gpt", GPT_MS_DATA,
                                "18fa7b8f-2eb6-4433-b6d9-2822647b1daf")),
                List.of(new Filesystem("/dev/sda1", "ntfs", "Windows", "28D147641C05F1E9"),
                        new Filesystem("/dev/sda2", "ntfs", "Data", "7EB0D1EB534DF734")),
                List.of(new KnownFile("/dev/sda2", "/backup/readme.txt",
                                "Drive E: of the phony Windows 10 guest (windows-gpt.img, partition 2).\n"),
                        new KnownFile("/dev/sda2", "/backup/numbers.csv", "id,name\n1,gamma\n2,delta\n")),
                new InspectedOs("/dev/sda1", "windows", "windows", "Windows 10 Pro", "Client", 10, 0, "x86_64",
                        "windows-gpt.invalid", null, null, "19045", "/Windows", "ControlSet002",
                        List.of(new OsMountpoint("/", "/dev/sda1")),
                        List.of(new DriveMapping("C", "/dev/sda1"), new DriveMapping("E", "/dev/sda2")),
                        List.of(win("7-Zip", "7-Zip 23.01 (x64)", "23.01", "Igor Pavlov", "https://www.7-zip.org/",
                                        "C:\\Program Files\\7-Zip\\", ""),
                                win("Notepad++", "Notepad++ (32-bit x86)", "8.6.2", "Notepad++ Team",
                                        "https://notepad-plus-plus.org/", "C:\\Program Files (x86)\\Notepad++", ""),
                                win("{6A677374-0000-4000-8000-0000000000A1}", "Phony Tools", "2.0.1", "jguest", "",
                                        "C:\\Program Files\\Phony Tools\\",
                                        "An MSI-style entry named by its product code"))));

        /** Every phony guest, in {@link PhonyGuests#NAMES} order. */
        static final List<Expected> ALL = List.of(LINUX_GPT, LINUX_LVM, WINDOWS_MBR, WINDOWS_GPT);

        /** The names of the applications, in the order virt-inspector lists them. */
        List<String> applicationNames() {
            return os.applications().stream().map(Application::name).toList();
        }

        /** A dpkg package as libguestfs lists it: upstream version and Debian revision apart, no epoch here. */
        private static Application deb(String name, String version, String release, String summary, String url) {
            return new Application(name, "", 0, version, release, "amd64", "", url, "", summary);
        }

        private static Application rpm(String name, int epoch, String version, String release, String arch, String url,
                                       String summary) {
            return new Application(name, "", epoch, version, release, arch, "", url, "", summary);
        }

        private static Application win(String key, String displayName, String version, String publisher, String url,
                                       String installPath, String comments) {
            return new Application(key, displayName, 0, version, "", "", publisher, url, installPath, comments);
        }
    }
}
