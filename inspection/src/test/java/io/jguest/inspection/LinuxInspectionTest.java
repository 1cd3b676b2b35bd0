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
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
