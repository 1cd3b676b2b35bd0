package io.jguest.cli.inspect;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.Explanation;
import io.jguest.api.Filesystem;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import java.util.List;

/** Hand-made inspection results for the writer and command tests. */
final class Reports {
    private Reports() {
    }

    /** Debian with /boot and an LVM /var, fstab order (not virt-inspector's), two packages. */
    static final InspectedOs LINUX = new InspectedOs("/dev/sda2", "linux", "debian",
            "Debian GNU/Linux 12 (bookworm)", null, 12, 5, "x86_64", "web1", "deb", "apt", null, null, null,
            List.of(new OsMountpoint("/var", "/dev/vg0/var"), new OsMountpoint("/", "/dev/sda2"),
                    new OsMountpoint("/boot", "/dev/sda1")),
            List.of(),
            List.of(new Application("hello", "", 1, "2.10", "3+b1", "amd64", "", "", "", "example package"),
                    new Application("libc6", "", 0, "2.36", "9", "amd64", "", "", "", "GNU C Library")));

    /** Windows with C: and D: (given D first), no mountpoints (as the rules give), one program. */
    static final InspectedOs WINDOWS = new InspectedOs("/dev/sda2", "windows", "windows", "Windows 10 Pro", "Client",
            10, 0, "x86_64", "WIN-PC", null, null, "19045", "/Windows", "ControlSet001",
            List.of(),
            List.of(new DriveMapping("D", "/dev/sdb1"), new DriveMapping("C", "/dev/sda2")),
            List.of(new Application("{1234-ABCD}", "7-Zip 23.01 (x64)", 0, "23.01", "", "", "Igor Pavlov",
                    "https://www.7-zip.org/", "C:\\Program Files\\7-Zip\\", "file archiver")));

    /** blkid's view of the disks: more than any one OS uses. */
    static final List<Filesystem> FILESYSTEMS = List.of(
            new Filesystem("/dev/sda1", "ext4", "BOOT", "0a1b2c3d-0000-4000-8000-000000000001"),
            new Filesystem("/dev/sda2", "ext4", "", "0a1b2c3d-0000-4000-8000-000000000002"),
            new Filesystem("/dev/sdb1", "ntfs", "DATA", "5A5B5C5D5E5F6061"),
            new Filesystem("/dev/sda3", "swap", "", "0a1b2c3d-0000-4000-8000-000000000003"),
            new Filesystem("/dev/vg0/var", "xfs", "", "0a1b2c3d-0000-4000-8000-000000000004"));

    static final List<Filesystem> WINDOWS_FILESYSTEMS = List.of(
            new Filesystem("/dev/sda1", "ntfs", "System Reserved", "1111222233334444"),
            new Filesystem("/dev/sda2", "ntfs", "", "AAAABBBBCCCCDDDD"),
            new Filesystem("/dev/sdb1", "ntfs", "DATA", "5A5B5C5D5E5F6061"));

    static InspectionReport report(InspectedOs... roots) {
        return new InspectionReport(List.of(roots), List.of(), List.of());
    }

    static InspectionReport explained(InspectedOs os, Explanation... explanations) {
        return new InspectionReport(List.of(os), List.of(), List.of(explanations));
    }
}
