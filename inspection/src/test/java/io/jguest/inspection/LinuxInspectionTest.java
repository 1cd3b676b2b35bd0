package io.jguest.inspection;

import static io.jguest.inspection.GuestTree.hostArch;
import static io.jguest.inspection.GuestTree.hostElf;
import static io.jguest.inspection.GuestTree.mkdirs;
import static io.jguest.inspection.GuestTree.symlink;
import static io.jguest.inspection.GuestTree.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Application;
import io.jguest.api.Explanation;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import io.jguest.inspection.detect.RpmDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linux guests as directory trees, inspected end to end (rules, built-ins, report), no VM. */
class LinuxInspectionTest {
    static final String ROOT_UUID = "01234567-0123-0123-0123-012345678902";
    static final String BOOT_UUID = "01234567-0123-0123-0123-012345678901";

    @TempDir
    Path tmp;

    /** A Debian 12 root on /dev/sda2 with /boot on /dev/sda1, fstab by UUID. */
    static GuestTree debian(Path base) throws IOException {
        GuestTree g = new GuestTree(base).disk("/dev/sda", "dos", "1234abcd")
                .partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "1234abcd-01")
                .partition("/dev/sda2", "/dev/sda", 2, 512L << 20, "1234abcd-02");
        Path boot = g.fs("/dev/sda1", "ext2", "BOOT", BOOT_UUID);
        write(boot, "/grub/grub.cfg", "set timeout=5\n");
        Path root = g.fs("/dev/sda2", "ext4", "", ROOT_UUID);
        mkdirs(root, "/bin", "/boot", "/usr/bin");
        write(root, "/etc/os-release", """
                PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
                NAME="Debian GNU/Linux"
                VERSION_ID="12"
                VERSION="12 (bookworm)"
                VERSION_CODENAME=bookworm
                ID=debian
                """);
        write(root, "/etc/debian_version", "12.5\n");
        write(root, "/etc/hostname", "# set by the installer\n\ndebian.invalid\n");
        write(root, "/etc/fstab", """
                # /etc/fstab: static file system information.
                UUID=%s /               ext4    errors=remount-ro 0       1
                UUID="%s"  /boot  ext2 defaults 0 2
                proc            /proc           proc    defaults        0       0
                /dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0
                UUID=ffffffff-0000-0000-0000-000000000000 /srv ext4 defaults 0 2
                """.formatted(ROOT_UUID, BOOT_UUID));
        hostElf(root, "/bin/dash");
        symlink(root, "/bin/sh", "dash");
        write(root, "/var/lib/dpkg/status", """
                Package: libc6
                Status: install ok installed
                Priority: optional
                Architecture: amd64
                Version: 2.36-9+deb12u4
                Description: GNU C Library: Shared libraries
                 Contains the standard libraries that are used by nearly all programs on
                 the system.
                Homepage: https://www.gnu.org/software/libc/libc.html

                Package: removed-one
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 1.0-1
                Description: gone

                Package: bash
                Status: install ok installed
                Architecture: amd64
                Version: 5.2.15-2+b2
                Description: GNU Bourne Again SHell

                Package: tzdata
                Status: hold ok installed
                Architecture: all
                Version: 1:2024a-0+deb12u1
                Description: time zone and daylight-saving time data
                """);
        return g;
    }

    @Test
    void debianWithSeparateBootAndFstabByUuid() throws IOException {
        InspectionReport report = Inspector.create().inspect(debian(tmp).input(), false);

        assertEquals(1, report.roots().size(), report.toString());
        InspectedOs os = report.roots().get(0);
        // os-release gives only the major version for Debian, so debian_version decides (as libguestfs).
        assertEquals(new InspectedOs("/dev/sda2", "linux", "debian", "12.5", null, 12, 5, hostArch(),
                "debian.invalid", "deb", "apt", null, null, null,
                List.of(new OsMountpoint("/", "/dev/sda2"), new OsMountpoint("/boot", "/dev/sda1")), List.of(),
                List.of(new Application("bash", "", 0, "5.2.15", "2+b2", "amd64", "", "", "", "GNU Bourne Again SHell"),
                        new Application("libc6", "", 0, "2.36", "9+deb12u4", "amd64", "", "https://www.gnu.org/software/libc/libc.html",
                                "", "GNU C Library: Shared libraries"),
                        new Application("tzdata", "", 1, "2024a", "0+deb12u1", "all", "", "", "",
                                "time zone and daylight-saving time data"))), os);
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void explanationOfTheDistroNamesTheRule() throws IOException {
        InspectionReport report = Inspector.create().inspect(debian(tmp).input(), true);

        Explanation distro = report.explanations().stream()
                .filter(e -> e.conclusion().equals("distro(\"/dev/sda2\", \"debian\")")).findFirst().orElseThrow();
        int line = lineOf("distro(Fs, D) :- distro_write(Fs, N, D)");
        assertTrue(distro.text().startsWith("distro(\"/dev/sda2\", \"debian\")   <- rule at inspection.rules:" + line + ":"),
                distro.text());
        assertTrue(distro.text().contains("sets_distro(\"/dev/sda2\", \"27\", \"debian\")"), distro.text());
        assertTrue(report.explanations().stream().noneMatch(e -> e.conclusion().startsWith("application(")));
        assertTrue(report.explanations().stream().anyMatch(e -> e.conclusion().equals("mountpoint(\"/dev/sda2\", \"/boot\", \"/dev/sda1\")")));
    }

    @Test
    void fedoraWithOnlyRedhatReleaseAndLabels() throws IOException {
        GuestTree g = new GuestTree(tmp).disk("/dev/sda", "dos", "0000beef")
                .partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "0000beef-01")
                .partition("/dev/sda2", "/dev/sda", 2, 512L << 20, "0000beef-02");
        Path boot = g.fs("/dev/sda1", "ext2", "BOOT", BOOT_UUID);
        write(boot, "/grub/grub.conf", "default=0\n");
        Path root = g.fs("/dev/sda2", "ext2", "ROOT", ROOT_UUID);
        mkdirs(root, "/bin", "/boot");
        write(root, "/etc/redhat-release", "Fedora release 14 (Phony)\n");
        write(root, "/etc/fedora-release", "Fedora release 14 (Phony)\n");
        write(root, "/etc/sysconfig/network", "NETWORKING=yes\nHOSTNAME=fedora.invalid\n");
        write(root, "/etc/fstab", "LABEL=BOOT /boot ext2 default 0 0\nLABEL=ROOT / ext2 default 0 0\n");
        hostElf(root, "/bin/ls");
        write(root, "/var/lib/rpm/rpmdb.sqlite", RpmDatabases.fedora38());

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(new InspectedOs("/dev/sda2", "linux", "fedora", "Fedora release 14 (Phony)", null, 14, 0,
                hostArch(), "fedora.invalid", "rpm", "yum", null, null, null,
                List.of(new OsMountpoint("/", "/dev/sda2"), new OsMountpoint("/boot", "/dev/sda1")), List.of(), FEDORA_38_APPS)),
                report.roots());
        assertEquals(List.of(), report.warnings());
    }

    /** The applications of {@link RpmDatabases#FEDORA_38}, as the report sorts them. */
    static final List<Application> FEDORA_38_APPS = List.of(
            rpm("NetworkManager", 1, "1.42.0", "1.fc38", "x86_64", "https://networkmanager.dev/",
                    "Network connection manager and user applications"),
            rpm("bash", 0, "5.2.15", "3.fc38", "x86_64", "https://www.gnu.org/software/bash", "The GNU Bourne Again shell"),
            rpm("dnf", 0, "4.14.0", "1.fc38", "noarch", "https://github.com/rpm-software-management/dnf", "Package manager"),
            rpm("fedora-release-common", 0, "38", "36", "noarch", "https://fedoraproject.org/", "Fedora release files"),
            rpm("kernel-core", 0, "6.2.9", "300.fc38", "x86_64", "https://www.kernel.org/", "The Linux kernel"));

    private static Application rpm(String name, int epoch, String version, String release, String arch, String url, String summary) {
        return new Application(name, "", epoch, version, release, arch, "", url, "", summary);
    }

    /** A usr-merged Fedora 38 root: rpm's database in /usr/lib/sysimage/rpm, /var/lib/rpm a link to it. */
    static GuestTree fedora38(Path base) throws IOException {
        GuestTree g = new GuestTree(base).disk("/dev/vda", "gpt", "5f0c4d2e-7a9b-4c3d-8e1f-0a1b2c3d4e5f")
                .partition("/dev/vda1", "/dev/vda", 1, 1 << 20, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        Path root = g.fs("/dev/vda1", "ext4", "", ROOT_UUID);
        symlink(root, "/bin", "usr/bin");
        hostElf(root, "/usr/bin/bash");
        write(root, "/etc/os-release", """
                NAME="Fedora Linux"
                VERSION="38 (Server Edition)"
                ID=fedora
                VERSION_ID=38
                PRETTY_NAME="Fedora Linux 38 (Server Edition)"
                """);
        write(root, "/etc/hostname", "fedora38.invalid\n");
        symlink(root, "/usr/bin/dnf", "dnf-3");
        write(root, "/usr/bin/dnf-3", "#!/usr/bin/python3\n");
        write(root, "/etc/fstab", "UUID=%s / ext4 defaults 1 1\n".formatted(ROOT_UUID));
        write(root, "/usr/lib/sysimage/rpm/rpmdb.sqlite", RpmDatabases.fedora38());
        symlink(root, "/var/lib/rpm", "../../usr/lib/sysimage/rpm");
        return g;
    }

    @Test
    void fedora38WithTheRpmDatabaseInSysimageAndALinkToIt() throws IOException {
        InspectionReport report = Inspector.create().inspect(fedora38(tmp).input(), false);

        assertEquals(List.of(new InspectedOs("/dev/vda1", "linux", "fedora", "Fedora Linux 38 (Server Edition)", null, 38, 0,
                hostArch(), "fedora38.invalid", "rpm", "dnf", null, null, null,
                List.of(new OsMountpoint("/", "/dev/vda1")), List.of(), FEDORA_38_APPS)), report.roots());
        assertEquals(List.of(), report.warnings());
    }

    /** As the phony linux-lvm guest: /var separate, its lib/rpm a link that only resolves in the assembled tree. */
    @Test
    void fedora38WithASeparateVarLinkingIntoTheRoot() throws IOException {
        GuestTree g = fedora38(tmp).partition("/dev/vda2", "/dev/vda", 2, 1L << 30, "aaaaaaaa-bbbb-cccc-dddd-000000000002");
        Path root = tmp.resolve("fs0");
        Files.delete(root.resolve("var/lib/rpm"));
        write(root, "/etc/fstab", "UUID=%s / ext4 defaults 1 1\nUUID=%s /var xfs defaults 1 2\n".formatted(ROOT_UUID, BOOT_UUID));
        Path var = g.fs("/dev/vda2", "xfs", "", BOOT_UUID);
        symlink(var, "/lib/rpm", "../../usr/lib/sysimage/rpm");

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(new OsMountpoint("/", "/dev/vda1"), new OsMountpoint("/var", "/dev/vda2")),
                report.roots().get(0).mountpoints());
        assertEquals(FEDORA_38_APPS, report.roots().get(0).applications());
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void aDamagedRpmDatabaseIsAWarningAndNoApplications() throws IOException {
        GuestTree g = fedora38(tmp);
        Path db = tmp.resolve("fs0/usr/lib/sysimage/rpm/rpmdb.sqlite");
        Files.write(db, "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(), report.roots().get(0).applications());
        assertEquals(List.of("/dev/vda1: /usr/lib/sysimage/rpm/rpmdb.sqlite: 16 bytes, too short for an SQLite database"),
                report.warnings());
    }

    /** Rocky Linux 9 keeps rpm's database in /var/lib/rpm; here /var is a filesystem of its own. */
    @Test
    void rocky9WithTheRpmDatabaseOnASeparateVar() throws IOException {
        GuestTree g = new GuestTree(tmp).disk("/dev/sda", "gpt", "5f0c4d2e-7a9b-4c3d-8e1f-0a1b2c3d4e5f")
                .partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "aaaaaaaa-0000-0000-0000-000000000001")
                .partition("/dev/sda2", "/dev/sda", 2, 1L << 30, "aaaaaaaa-0000-0000-0000-000000000002");
        Path root = g.fs("/dev/sda1", "xfs", "", ROOT_UUID);
        Path var = g.fs("/dev/sda2", "xfs", "", BOOT_UUID);
        symlink(root, "/bin", "usr/bin");
        hostElf(root, "/usr/bin/bash");
        mkdirs(root, "/var", "/usr/lib/sysimage");
        write(root, "/etc/os-release", """
                NAME="Rocky Linux"
                VERSION="9.3 (Blue Onyx)"
                ID="rocky"
                VERSION_ID="9.3"
                PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
                """);
        write(root, "/etc/fstab", "UUID=%s / xfs defaults 0 0\nUUID=%s /var xfs defaults 0 0\n".formatted(ROOT_UUID, BOOT_UUID));
        write(var, "/lib/rpm/rpmdb.sqlite", RpmDatabases.fedora38());

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(1, report.roots().size(), report.toString());
        InspectedOs os = report.roots().get(0);
        assertEquals("rocky", os.distro());
        assertEquals(List.of(new OsMountpoint("/", "/dev/sda1"), new OsMountpoint("/var", "/dev/sda2")), os.mountpoints());
        assertEquals(FEDORA_38_APPS, os.applications());
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void alpineWithOsReleaseAndApkDatabase() throws IOException {
        GuestTree g = new GuestTree(tmp).disk("/dev/sda", "gpt", "5f0c4d2e-7a9b-4c3d-8e1f-0a1b2c3d4e5f")
                .partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        Path root = g.fs("/dev/sda1", "ext4", "", ROOT_UUID);
        write(root, "/etc/os-release", """
                NAME="Alpine Linux"
                ID=alpine
                VERSION_ID=3.19.1
                PRETTY_NAME="Alpine Linux v3.19"
                HOME_URL="https://alpinelinux.org/"
                """);
        write(root, "/etc/alpine-release", "3.19.1\n");
        write(root, "/etc/hostname", "alpine\n");
        write(root, "/etc/fstab", """
                PARTUUID=AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE / ext4 rw,relatime 0 1
                /dev/cdrom      /media/cdrom    iso9660 noauto,ro 0 0
                /dev/usbdisk    /media/usb      vfat    noauto  0 0
                tmpfs           /tmp            tmpfs   nosuid,nodev    0       0
                """);
        hostElf(root, "/bin/busybox");
        symlink(root, "/bin/sh", "/bin/busybox");
        write(root, "/lib/apk/db/installed", """
                C:Q1abc=
                P:musl
                V:1.2.4_git20230717-r4
                A:x86_64
                S:407343
                T:the musl c library (libc) implementation
                U:https://musl.libc.org/

                P:busybox
                V:1.36.1-r15
                A:x86_64
                T:Size optimized toolbox of many common UNIX utilities
                U:https://busybox.net/
                """);

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(new InspectedOs("/dev/sda1", "linux", "alpinelinux", "Alpine Linux v3.19", null, 3, 19,
                hostArch(), "alpine", "apk", "apk", null, null, null,
                List.of(new OsMountpoint("/", "/dev/sda1")), List.of(),
                List.of(new Application("busybox", "", 0, "1.36.1", "15", "x86_64", "", "https://busybox.net/", "",
                                "Size optimized toolbox of many common UNIX utilities"),
                        new Application("musl", "", 0, "1.2.4_git20230717", "4", "x86_64", "", "https://musl.libc.org/", "",
                                "the musl c library (libc) implementation")))),
                report.roots());
        assertEquals(List.of(), report.warnings());
    }

    /** Root, /var and /data on LVM (as /dev/mapper and /dev/VG/LV names), /boot and /home by kernel names. */
    @Test
    void lvmLayoutWithMapperAndKernelNames() throws IOException {
        GuestTree g = new GuestTree(tmp).disk("/dev/sda", "dos", "11111111").disk("/dev/sdb", "dos", "22222222")
                .partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "11111111-01")
                .partition("/dev/sda2", "/dev/sda", 2, 256L << 20, "11111111-02")
                .partition("/dev/sdb1", "/dev/sdb", 1, 1 << 20, "22222222-01")
                .lv("/dev/vg/root", "vg", "root").lv("/dev/vg/var", "vg", "var").lv("/dev/vg/lv-data", "vg", "lv-data")
                .lv("/dev/vg/swap", "vg", "swap")
                .unmountedFs("/dev/sda2", "LVM2_member", "pv-uuid").unmountedFs("/dev/vg/swap", "swap", "swap-uuid");
        g.fs("/dev/sda1", "ext4", "", BOOT_UUID);
        Path root = g.fs("/dev/vg/root", "ext4", "", ROOT_UUID);
        Path var = g.fs("/dev/vg/var", "xfs", "", "33333333-3333-3333-3333-333333333333");
        mkdirs(var, "/log", "/run", "/spool");
        g.fs("/dev/vg/lv-data", "ext4", "", "44444444-4444-4444-4444-444444444444");
        g.fs("/dev/sdb1", "ext4", "", "55555555-5555-5555-5555-555555555555");
        symlink(root, "/bin", "usr/bin");
        hostElf(root, "/usr/bin/bash");
        write(root, "/etc/os-release", """
                PRETTY_NAME="Ubuntu 22.04.4 LTS"
                NAME="Ubuntu"
                VERSION_ID="22.04"
                ID=ubuntu
                ID_LIKE=debian
                """);
        write(root, "/etc/hostname", "lvm.invalid\n");
        write(root, "/etc/fstab", """
                /dev/mapper/vg-root /         ext4 defaults 0 1
                /dev/sda1           /boot     ext4 defaults 0 2
                /dev/vg/var         /var      xfs  defaults 0 2
                /dev/mapper/vg-lv--data /data ext4 defaults 0 2
                /dev/vdb1           /home     ext4 defaults 0 2
                /dev/mapper/vg-swap none      swap sw       0 0
                /dev/sdc1           /srv      ext4 defaults 0 2
                """); // no third disk: /dev/sdc1 names nothing and is dropped, as libguestfs drops it

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(new InspectedOs("/dev/vg/root", "linux", "ubuntu", "Ubuntu 22.04.4 LTS", null, 22, 4,
                hostArch(), "lvm.invalid", "deb", "apt", null, null, null,
                List.of(new OsMountpoint("/", "/dev/vg/root"),
                        new OsMountpoint("/var", "/dev/vg/var"), new OsMountpoint("/boot", "/dev/sda1"),
                        new OsMountpoint("/data", "/dev/vg/lv-data"), new OsMountpoint("/home", "/dev/sdb1")),
                List.of(), List.of())), report.roots());
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void twoRootsOnOneImage() throws IOException {
        Path base = tmp;
        GuestTree g = new GuestTree(base).disk("/dev/sda", "gpt", "5f0c4d2e-7a9b-4c3d-8e1f-0a1b2c3d4e5f")
                .partition("/dev/sda2", "/dev/sda", 2, 1 << 20, "aaaaaaaa-0000-0000-0000-000000000002")
                .partition("/dev/sda10", "/dev/sda", 10, 1L << 30, "aaaaaaaa-0000-0000-0000-000000000010");
        Path second = g.fs("/dev/sda10", "ext4", "", BOOT_UUID);
        Path first = g.fs("/dev/sda2", "ext4", "", ROOT_UUID);
        for (Path r : List.of(first, second)) {
            mkdirs(r, "/bin");
            write(r, "/etc/fstab", "/dev/root / ext4 defaults 0 1\n");
            hostElf(r, "/bin/bash");
        }
        write(first, "/etc/debian_version", "11.9\n");
        write(first, "/etc/HOSTNAME", "first\n");
        write(first, "/etc/hostname", "not-this-one\n");
        write(second, "/etc/redhat-release", "CentOS Linux release 7.9.2009 (Core)\n");
        write(second, "/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n");
        write(second, "/etc/hostname", "second\n");

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(
                new InspectedOs("/dev/sda2", "linux", "debian", "11.9", null, 11, 9, hostArch(), "first", "deb", "apt",
                        null, null, null, List.of(new OsMountpoint("/", "/dev/sda2")), List.of(), List.of()),
                new InspectedOs("/dev/sda10", "linux", "centos", "CentOS Linux release 7.9.2009 (Core)", null, 7, 9,
                        hostArch(), "second", "rpm", "yum", null, null, null,
                        List.of(new OsMountpoint("/", "/dev/sda10")), List.of(), List.of())), report.roots());
    }

    /** The 1-based line of the rules file that starts with {@code start}. */
    static int lineOf(String start) throws IOException {
        try (InputStream in = Inspector.class.getResourceAsStream(Inspector.RULES)) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(start)) {
                    return i + 1;
                }
            }
        }
        throw new AssertionError("no rule starting " + start);
    }
}
