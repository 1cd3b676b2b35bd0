package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Filesystem;
import io.jguest.cli.it.PhonyGuests.Expected;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guestmount -i} on the phony guests, with real FUSE, as a user runs it: a Windows guest shows
 * one directory per drive letter holding the files its partition holds, found whatever the case of
 * the path; a Linux guest shows its filesystems where its fstab puts them ({@code /boot},
 * {@code /var} on an LVM volume); a file written through a lower-case path on a copy is in the image
 * after guestunmount under its own name; two operating systems need {@code --root}. Every mount is
 * unmounted with guestunmount; read-only mounts leave the image unchanged; nothing is left running.
 */
class GuestmountInspectIT {
    @TempDir
    Path tmp;
    @RegisterExtension
    final MountToolExtension mounts = new MountToolExtension();

    @FunctionalInterface
    interface Body {
        void run(Path mountpoint) throws IOException;
    }


    /** guestmount ARGS... on a new mountpoint, {@code body}, then guestunmount whatever happened. */
    private void mounted(String name, Body body, String... args) throws IOException {
        Path mnt = mounts.tool().mount(mounts.tool().mountpoint(name), args);
        MountTool.Result unmounted;
        try {
            body.run(mnt);
        } finally {
            unmounted = mounts.tool().guestunmount(mnt.toString());
        }
        assertEquals(0, unmounted.exitCode(), unmounted::toString);
        assertFalse(MountTool.isMounted(mnt));
    }

    /** A read-only {@code -i} mount of phony image {@code image}, which must be unchanged afterwards. */
    private void inspectedReadOnly(String image, Body body) throws IOException {
        Path path = PhonyGuests.get(image);
        String before = TestImages.sha256(path);
        mounted(image, body, "-a", path.toString(), "-i", "--ro");
        assertEquals(before, TestImages.sha256(path), image + " was changed by a --ro mount");
    }

    /** {@code scripts/phony/SUB}: what the phony guests were made from. */
    private static Path phony(String sub) {
        return Path.of(System.getProperty("jguest.scripts", "../scripts"), "phony", sub).toAbsolutePath().normalize();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every regular file under {@code dir}, by relative path, with its content. */
    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    /** Each file of {@code source} is in {@code drive} with the same bytes, also by an upper-cased path. */
    private static void assertHoldsFiles(Path drive, Path source) throws IOException {
        Map<String, byte[]> expected = files(source);
        assertFalse(expected.isEmpty(), source + " holds no files");
        for (var e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(drive.resolve(e.getKey())), drive + "/" + e.getKey());
            String upper = e.getKey().toUpperCase(Locale.ROOT);
            assertArrayEquals(e.getValue(), Files.readAllBytes(drive.resolve(upper)), drive + "/" + upper);
        }
    }

    @Test
    void windowsMbrShowsDrivesCAndD() throws IOException {
        inspectedReadOnly(PhonyGuests.WINDOWS_MBR, mnt -> {
            assertEquals(List.of("C", "D"), names(mnt));
            Path cmd = mnt.resolve("C/Windows/System32/cmd.exe");
            assertTrue(Files.isRegularFile(cmd), cmd + " missing");
            byte[] exe = Files.readAllBytes(cmd);
            assertEquals("MZ", new String(exe, 0, 2, java.nio.charset.StandardCharsets.US_ASCII));
            assertArrayEquals(exe, Files.readAllBytes(mnt.resolve("c/windows/system32/CMD.EXE")));
            assertTrue(Files.isDirectory(mnt.resolve("c/WINDOWS/System32/CONFIG")));
            assertHoldsFiles(mnt.resolve("D"), phony("windows-mbr/d"));
            assertHoldsFiles(mnt.resolve("d"), phony("windows-mbr/d"));
        });
    }

    @Test
    void windowsGptShowsDrivesCAndE() throws IOException {
        inspectedReadOnly(PhonyGuests.WINDOWS_GPT, mnt -> {
            assertEquals(List.of("C", "E"), names(mnt));
            assertTrue(Files.isRegularFile(mnt.resolve("C/Windows/System32/cmd.exe")));
            assertTrue(Files.isDirectory(mnt.resolve("c/program files (x86)")));
            assertHoldsFiles(mnt.resolve("E"), phony("windows-gpt/e"));
        });
    }

    @Test
    void linuxGptMountsBootWhereFstabSays() throws IOException {
        Map<String, String> uuids = new TreeMap<>();
        for (Filesystem f : Expected.LINUX_GPT.filesystems()) {
            uuids.put("@" + f.label().toUpperCase(Locale.ROOT) + "_UUID@", f.uuid());
        }
        String grub = Files.readString(phony("linux-gpt/boot/grub/grub.cfg.in"));
        for (var u : uuids.entrySet()) {
            grub = grub.replace(u.getKey(), u.getValue());
        }
        String grubCfg = grub;
        inspectedReadOnly(PhonyGuests.LINUX_GPT, mnt -> {
            assertEquals(Files.readString(phony("linux-gpt/root/etc/hostname")), Files.readString(mnt.resolve("etc/hostname")));
            assertEquals(grubCfg, Files.readString(mnt.resolve("boot/grub/grub.cfg")));
            // /boot is the boot filesystem, not the root's empty directory
            assertTrue(names(mnt.resolve("boot")).contains("grub"));
            assertFalse(Files.exists(mnt.resolve("boot/etc")));
            assertEquals("usr/bin", Files.readSymbolicLink(mnt.resolve("bin")).toString());
        });
    }

    @Test
    void linuxLvmMountsVarFromItsXfsVolume() throws IOException {
        inspectedReadOnly(PhonyGuests.LINUX_LVM, mnt -> {
            assertEquals(Files.readString(phony("linux-lvm/root/etc/hostname")), Files.readString(mnt.resolve("etc/hostname")));
            Map<String, byte[]> var = files(phony("linux-lvm/var"));
            for (var e : var.entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(mnt.resolve("var").resolve(e.getKey())), "/var/" + e.getKey());
            }
            assertArrayEquals(Files.readAllBytes(phony("linux-lvm/boot/grub2/grub.cfg")),
                    Files.readAllBytes(mnt.resolve("boot/grub2/grub.cfg")));
            // /var/lib/rpm on the var volume is a relative link into the root volume's /usr
            Path rpm = mnt.resolve("var/lib/rpm");
            assertEquals("../../usr/lib/sysimage/rpm", Files.readSymbolicLink(rpm).toString());
            assertTrue(Files.size(rpm.resolve("rpmdb.sqlite")) > 0);
        });
    }

    @Test
    void aFileWrittenThroughALowerCasePathIsInTheImageUnderItsName() throws IOException {
        Path copy = tmp.resolve("windows-mbr-copy.img");
        Tool.run("cp", "--sparse=always", PhonyGuests.get(PhonyGuests.WINDOWS_MBR).toString(), copy.toString());
        String content = "written through /c/NewFile.txt\r\n";
        mounted("rw", mnt -> {
            Files.writeString(mnt.resolve("c/NewFile.txt"), content);
            Files.writeString(mnt.resolve("c/windows/temp/Log.TXT"), "deeper\r\n");
            assertEquals(content, Files.readString(mnt.resolve("C/NEWFILE.TXT")));
            assertTrue(names(mnt.resolve("C")).contains("NewFile.txt"), () -> mnt + "/C: no NewFile.txt");
            // the top level is the drive letters, fixed even on a read-write mount
            FileSystemException e = assertThrows(FileSystemException.class, () -> Files.createDirectory(mnt.resolve("Z")));
            assertTrue(String.valueOf(e.getReason()).contains("Operation not permitted"), e::toString);
            assertEquals(List.of("C", "D"), names(mnt));
        }, "-a", copy.toString(), "-i");
        String before = TestImages.sha256(copy);
        mounted("ro", mnt -> {
            assertEquals(content, Files.readString(mnt.resolve("C/newfile.TXT")));
            assertEquals(1, names(mnt.resolve("C")).stream().filter(n -> n.equalsIgnoreCase("newfile.txt")).count());
            assertTrue(names(mnt.resolve("C")).contains("NewFile.txt"), () -> mnt + "/C: the name lost its case");
            assertEquals(List.of("Log.TXT"), names(mnt.resolve("C/Windows/Temp")));
            assertEquals("deeper\r\n", Files.readString(mnt.resolve("C/Windows/Temp/log.txt")));
        }, "-a", copy.toString(), "-i", "--ro");
        assertEquals(before, TestImages.sha256(copy));
    }

    @Test
    void twoOperatingSystemsNeedRoot() throws IOException {
        Path linux = PhonyGuests.get(PhonyGuests.LINUX_GPT);
        Path windows = PhonyGuests.get(PhonyGuests.WINDOWS_MBR);
        // linux-gpt is /dev/sda, windows-mbr /dev/sdb: their roots are /dev/sda2 and /dev/sdb1
        Path refused = mounts.tool().mountpoint("refused");
        MountTool.Result r = mounts.tool().guestmount("-a", linux.toString(), "-a", windows.toString(), "-i", "--ro",
                refused.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of("guestmount: multiple operating systems found: /dev/sda2 (linux, debian), /dev/sdb1 (windows);"
                + " choose one with --root"), r.errLines().stream().filter(l -> !MountTool.isBuildProgress(l)).toList(),
                r::toString);
        assertFalse(MountTool.isMounted(refused));

        List<String> args = new ArrayList<>(List.of("-a", linux.toString(), "-a", windows.toString(), "-i", "--ro",
                "--root", "/dev/sdb1"));
        mounted("chosen", mnt -> {
            assertEquals(List.of("C", "D"), names(mnt));
            assertTrue(Files.isRegularFile(mnt.resolve("c/windows/system32/cmd.exe")));
            assertHoldsFiles(mnt.resolve("D"), phony("windows-mbr/d"));
        }, args.toArray(String[]::new));
    }
}
