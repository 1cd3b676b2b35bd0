package io.jguest.inspection;

import static io.jguest.inspection.GuestTree.hostArch;
import static io.jguest.inspection.GuestTree.hostElf;
import static io.jguest.inspection.GuestTree.mkdirs;
import static io.jguest.inspection.GuestTree.symlink;
import static io.jguest.inspection.GuestTree.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guests whose files are garbage, loops, FIFOs or huge: inspection reports what it could not read and carries on. */
class HostileInputTest {
    @TempDir
    Path tmp;
    GuestTree guest;
    Path root;

    @BeforeEach
    void debianLike() throws IOException {
        guest = new GuestTree(tmp).disk("/dev/sda", "dos", "1234abcd").partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "1234abcd-01");
        root = guest.fs("/dev/sda1", "ext4", "", "01234567-0123-0123-0123-012345678902");
        mkdirs(root, "/bin");
        hostElf(root, "/bin/bash");
        write(root, "/etc/debian_version", "12.5\n");
        write(root, "/etc/hosts", "127.0.0.1 localhost\n");
    }

    private InspectedOs debian(String hostname) {
        return new InspectedOs("/dev/sda1", "linux", "debian", "12.5", null, 12, 5, hostArch(), hostname, "deb", "apt",
                null, null, null, List.of(new OsMountpoint("/", "/dev/sda1")), List.of(), List.of());
    }

    private InspectionReport inspect() {
        return Inspector.create().inspect(guest.input(), false);
    }

    @Test
    void garbageOsReleaseFallsBackToReleaseFiles() throws IOException {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        junk[100] = '\n';
        System.arraycopy("ID=\"unterminated\nPRETTY_NAME='x\\".getBytes(), 0, junk, 200, 31);
        write(root, "/etc/os-release", junk);

        InspectionReport report = inspect();

        assertEquals(List.of(debian(null)), report.roots());
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void binaryFstabIsSkippedLineByLineWithWarnings() throws IOException {
        byte[] junk = new byte[8192];
        new Random(2).nextBytes(junk);
        write(root, "/etc/fstab", junk);

        InspectionReport report = inspect();

        assertEquals(List.of(debian(null)), report.roots());
        assertEquals(11, report.warnings().size(), report.warnings().toString());
        assertEquals("/dev/sda1: /etc/fstab line 1: not text, skipped", report.warnings().get(0));
        assertEquals(true, report.warnings().get(10).matches("/dev/sda1: /etc/fstab: \\d+ more lines skipped"),
                report.warnings().get(10));
    }

    @Test
    void symlinkLoopGivesAWarningAndNoValue() throws IOException {
        symlink(root, "/etc/os-release", "os-release");
        symlink(root, "/etc/hostname", "../etc/./hostname");

        InspectionReport report = inspect();

        assertEquals(List.of(debian(null)), report.roots());
        assertEquals(List.of("/dev/sda1: /etc/os-release: too many levels of symbolic links",
                "/dev/sda1: /etc/hostname: too many levels of symbolic links"), report.warnings());
    }

    @Test
    void fstabFifoIsNeverOpened() throws IOException, InterruptedException {
        Path fifo = root.resolve("etc/fstab");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());

        InspectionReport report = inspect();

        assertEquals(List.of(debian(null)), report.roots());
        assertEquals(List.of("/dev/sda1: /etc/fstab: not a regular file"), report.warnings());
    }

    /** An absolute link that would climb out of the root on the host resolves inside the guest. */
    @Test
    void absoluteSymlinkUpwardsStaysInsideTheRoot() throws IOException {
        write(root, "/usr/lib/os-release", "ID=fedora\nVERSION_ID=39\nPRETTY_NAME=\"Fedora Linux 39 (Phony)\"\n");
        symlink(root, "/etc/os-release", "/../../../../../../../../usr/lib/os-release");
        write(root, "/etc/hostname", "inside\n");
        symlink(root, "/etc/HOSTNAME", "../../../../../../../../../etc/hostname");

        InspectionReport report = inspect();

        InspectedOs os = report.roots().get(0);
        assertEquals(List.of("fedora", "Fedora Linux 39 (Phony)", 39, 0, "inside"),
                List.of(os.distro(), os.productName(), os.majorVersion(), os.minorVersion(), os.hostname()));
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void hugeSparseFstabIsNotRead() throws IOException {
        Path fstab = root.resolve("etc/fstab");
        try (RandomAccessFile f = new RandomAccessFile(fstab.toFile(), "rw")) {
            f.setLength(100L << 20);
        }
        write(root, "/var/lib/dpkg/status", "Package: a\nStatus: install ok installed\nVersion: 1\n\n");

        InspectionReport report = inspect();

        InspectedOs expected = debian(null);
        assertEquals(List.of(new InspectedOs(expected.root(), expected.type(), expected.distro(), expected.productName(),
                null, 12, 5, expected.arch(), null, "deb", "apt", null, null, null, expected.mountpoints(), List.of(),
                List.of(new io.jguest.api.Application("a", "", 0, "1", "", "", "", "", "", "")))), report.roots());
        assertEquals(List.of("/dev/sda1: /etc/fstab: 104857600 bytes, more than the 64 KiB read for it"), report.warnings());
        assertEquals(100L << 20, Files.size(fstab));
    }
}
