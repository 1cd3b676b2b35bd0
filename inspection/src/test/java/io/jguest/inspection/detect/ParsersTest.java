package io.jguest.inspection.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.inspection.PeFiles;
import io.jguest.inspection.hive.HiveValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParsersTest {
    @Test
    void versionAsLibguestfsFindsIt() {
        assertArrayEquals(new String[] {"5", "0"}, Text.version("5.0.1").orElseThrow());
        assertArrayEquals(new String[] {"12", "0"}, Text.version("12").orElseThrow());
        assertArrayEquals(new String[] {"22", "4"}, Text.version("22.04").orElseThrow());
        // the first N.M anywhere wins over an earlier bare N
        assertArrayEquals(new String[] {"2", "3"}, Text.version("Linux Mint 10 kernel 2.3").orElseThrow());
        assertEquals(Optional.empty(), Text.version("trixie/sid"));
        assertEquals(Optional.empty(), Text.version("99999999999"));
    }

    @Test
    void shellUnquoting() {
        assertEquals("Debian GNU/Linux 12 (bookworm)", Text.shellUnquote("\"Debian GNU/Linux 12 (bookworm)\""));
        assertEquals("it's \"x\" $HOME \\n", Text.shellUnquote("\"it's \\\"x\\\" \\$HOME \\\\n\""));
        assertEquals("a b\\c", Text.shellUnquote("'a b\\c'"));
        assertEquals("ab c", Text.shellUnquote("a\"b\"' c'"));
        assertEquals("a b", Text.shellUnquote("a\\ b"));
        assertEquals("open", Text.shellUnquote("\"open"));
        assertEquals("\"x\"", Text.simpleUnquote("\"\"x\"\""));
        assertEquals("'x", Text.simpleUnquote("'x"));
    }

    @Test
    void osReleaseAndLsbRelease() {
        Map<String, String> osr = KeyValueFile.parseShell("""
                # comment
                NAME="Fedora Linux"
                ID=debian

                VERSION_ID=39
                PRETTY_NAME='Fedora Linux 39 (Thirty Nine)'
                NOEQUALS
                ID = spaced
                ID=fedora
                """);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("NAME", "Fedora Linux");
        expected.put("VERSION_ID", "39");
        expected.put("PRETTY_NAME", "Fedora Linux 39 (Thirty Nine)");
        expected.put("ID ", " spaced");
        expected.put("ID", "fedora");
        assertEquals(expected, osr);
        assertEquals(List.of("NAME", "VERSION_ID", "PRETTY_NAME", "ID ", "ID"), new ArrayList<>(osr.keySet()));

        Map<String, String> lsb = KeyValueFile.parseSimple("DISTRIB_ID=Ubuntu\nDISTRIB_DESCRIPTION=\"Ubuntu \\\"10.04\\\" LTS\"\n");
        assertEquals(Map.of("DISTRIB_ID", "Ubuntu", "DISTRIB_DESCRIPTION", "Ubuntu \\\"10.04\\\" LTS"), lsb);
    }

    @Test
    void elfMachinesAndClasses() throws IOException {
        assertEquals(Optional.of("x86_64"), ElfHeader.arch(elf(2, 1, 62)));
        assertEquals(Optional.of("i386"), ElfHeader.arch(elf(1, 1, 3)));
        assertEquals(Optional.of("aarch64"), ElfHeader.arch(elf(2, 1, 183)));
        assertEquals(Optional.of("arm"), ElfHeader.arch(elf(1, 1, 40)));
        assertEquals(Optional.of("riscv64"), ElfHeader.arch(elf(2, 1, 243)));
        assertEquals(Optional.of("ppc64le"), ElfHeader.arch(elf(2, 1, 21)));
        assertEquals(Optional.of("ppc64"), ElfHeader.arch(elf(2, 2, 21)));
        assertEquals(Optional.of("ppc"), ElfHeader.arch(elf(1, 2, 20)));
        assertEquals(Optional.of("s390x"), ElfHeader.arch(elf(2, 2, 22)));
        assertEquals(Optional.of("sparc64"), ElfHeader.arch(elf(2, 2, 43)));
        assertEquals(Optional.empty(), ElfHeader.arch(elf(2, 1, 0x7777)));
        assertEquals(Optional.empty(), ElfHeader.arch(elf(3, 1, 62)));
        assertEquals(Optional.empty(), ElfHeader.arch("#!/bin/sh\necho hello world\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), ElfHeader.arch(new byte[] {0x7f, 'E', 'L', 'F'}));
        byte[] host = Files.readAllBytes(Path.of("/bin/sh").toRealPath());
        assertTrue(ElfHeader.arch(host).isPresent());
    }

    private static byte[] elf(int elfClass, int data, int machine) {
        byte[] h = new byte[64];
        h[0] = 0x7f;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = (byte) elfClass;
        h[5] = (byte) data;
        h[6] = 1;
        int lo = data == 1 ? 18 : 19;
        h[lo] = (byte) machine;
        h[37 - lo] = (byte) (machine >> 8);
        return h;
    }

    @Test
    void peMachines() {
        List<String> names = List.of("i386", "x86_64", "aarch64");
        int[] machines = {PeFiles.I386, PeFiles.AMD64, PeFiles.ARM64};
        for (int i = 0; i < machines.length; i++) {
            byte[] pe = PeFiles.minimal(machines[i]);
            long offset = PeHeader.peOffset(pe).orElseThrow();
            assertEquals(0x80, offset);
            byte[] at = Arrays.copyOfRange(pe, (int) offset, (int) offset + PeHeader.PE_HEADER_SIZE);
            assertEquals(Optional.of(names.get(i)), PeHeader.arch(at));
        }
        // an unknown machine falls back to the optional header's magic, which is all libguestfs reads
        byte[] odd = {'P', 'E', 0, 0, 0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b, 0x02};
        assertEquals(Optional.of("x86_64"), PeHeader.arch(odd));
        assertEquals(Optional.empty(), PeHeader.peOffset(new byte[64]));
        byte[] badOffset = PeFiles.minimal(PeFiles.I386);
        badOffset[0x3c] = 2;
        badOffset[0x3d] = 0;
        assertEquals(Optional.empty(), PeHeader.peOffset(badOffset));
        assertEquals(Optional.empty(), PeHeader.arch("NE\0\0\u014c\0".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void fstabFieldsCommentsEscapesAndBadLines() {
        List<String> bad = new ArrayList<>();
        List<Fstab.Entry> entries = Fstab.parse("""
                # <file system> <mount point>   <type>  <options>       <dump>  <pass>
                UUID=1234 / ext4 errors=remount-ro 0 1
                \tLABEL=my\\040disk\t///mnt//my\\040disk/  vfat  noauto
                /dev/sda3 /home
                tmpfs /tmp tmpfs defaults 0 0 extra
                /dev/sdb1 /srv xfs
                \u0001\u0002 garbage here
                """, bad::add);
        assertEquals(List.of(new Fstab.Entry(2, "UUID=1234", "/", "ext4", "errors=remount-ro"),
                new Fstab.Entry(3, "LABEL=my disk", "/mnt/my disk", "vfat", "noauto"),
                new Fstab.Entry(6, "/dev/sdb1", "/srv", "xfs", "defaults")), entries);
        assertEquals(List.of("line 4: 2 fields, expected 3 to 6", "line 5: 7 fields, expected 3 to 6", "line 7: not text"), bad);
        assertEquals("swap", Fstab.canonicalPath("swap"));
        assertEquals("/", Fstab.canonicalPath("//"));
        assertEquals("a\\08b", Fstab.unescape("a\\08b"));
    }

    @Test
    void deviceNames() {
        assertArrayEquals(new String[] {"0", "1"}, DeviceNames.xdev("/dev/sda1").orElseThrow());
        assertArrayEquals(new String[] {"1", "12"}, DeviceNames.xdev("/dev/xvdb12").orElseThrow());
        assertArrayEquals(new String[] {"25", ""}, DeviceNames.xdev("/dev/vdz").orElseThrow());
        assertArrayEquals(new String[] {"26", "2"}, DeviceNames.xdev("/dev/hdaa2").orElseThrow());
        assertEquals(Optional.empty(), DeviceNames.xdev("/dev/nvme0n1p1"));
        assertEquals(Optional.empty(), DeviceNames.xdev("/dev/sda1x"));
        assertArrayEquals(new String[] {"vg", "root"}, DeviceNames.mapperName("vg-root").orElseThrow());
        assertArrayEquals(new String[] {"my-vg", "lv-1"}, DeviceNames.mapperName("my--vg-lv--1").orElseThrow());
        assertArrayEquals(new String[] {"VG--test", "LV"}, DeviceNames.mapperName("VG----test-LV").orElseThrow());
        assertEquals(Optional.empty(), DeviceNames.mapperName("luks--only"));
        assertEquals(Optional.empty(), DeviceNames.mapperName("-x"));
    }

    @Test
    void dpkgStatus() {
        PackageDatabases.Dpkg dpkg = new PackageDatabases.Dpkg();
        """
                Package: a
                Status: install ok installed
                Version: 1:2.0-1-2
                Architecture: amd64
                Description: first line
                 more lines

                Package: half
                Status: install reinstreq half-installed
                Version: 1.0

                Package: bad-epoch
                Status: install ok installed
                Version: x:1.0

                Package: no-version
                Status: install ok installed

                Package: last
                Status: install ok installed
                Version: 3.0
                Architecture: all""".lines().forEach(dpkg::line);
        assertEquals(List.of(new Package("a", 1, "2.0", "1-2", "amd64", "", "first line"),
                new Package("last", 0, "3.0", "", "all", "", "")), dpkg.finish());
    }

    @Test
    void apkInstalled() {
        PackageDatabases.Apk apk = new PackageDatabases.Apk();
        "P:zlib\nV:1:1.3.1-r0\nA:x86_64\nT:A compression library\nbogus line\n\nP:nover\n\nP:rel\nV:2-3\n".lines().forEach(apk::line);
        assertEquals(List.of(new Package("zlib", 1, "1.3.1", "0", "x86_64", "", "A compression library"),
                new Package("rel", 0, "2", "3", "", "", "")), apk.finish());
    }

    @Test
    void pacmanDesc() {
        assertEquals(Optional.of(new Package("bash", 0, "5.2.026", "2", "x86_64", "https://www.gnu.org/software/bash/bash.html",
                "The GNU Bourne Again shell")), PackageDatabases.pacmanDesc("""
                %NAME%
                bash

                %VERSION%
                5.2.026-2

                %DESC%
                The GNU Bourne Again shell

                %URL%
                https://www.gnu.org/software/bash/bash.html

                %ARCH%
                x86_64
                """));
        assertEquals(Optional.of(new Package("e", 2, "1.0", "1", "any", "", "")),
                PackageDatabases.pacmanDesc("%NAME%\ne\n%VERSION%\n2:1.0-1\n%ARCH%\nany\n"));
        assertEquals(Optional.empty(), PackageDatabases.pacmanDesc("%NAME%\nnorel\n%VERSION%\n1.0\n%ARCH%\nany\n"));
        assertEquals(Optional.empty(), PackageDatabases.pacmanDesc("%NAME%\nnoarch\n%VERSION%\n1.0-1\n"));
    }

    @Test
    void mountedDevicesMbrAndGpt() {
        byte[] mbr = {0x31, 0x32, 0x33, 0x34, 0, 0, 0, 0x10, 0, 0, 0, 0};
        assertEquals(Optional.of(new MountedDevice("C", "mbr", "34333231", "268435456")),
                MountedDevice.of("\\DosDevices\\C:", HiveValue.REG_BINARY, mbr));
        assertEquals(Optional.of(new MountedDevice("d", "mbr", "34333231", "268435456")),
                MountedDevice.of("\\dosdevices\\d:", HiveValue.REG_BINARY, mbr));
        byte[] gpt = HexFormat.of().parseHex("444d494f3a49443a" + "33221100" + "5544" + "7766" + "8899" + "aabbccddeeff");
        assertEquals(Optional.of(new MountedDevice("E", "gpt", "00112233-4455-6677-8899-aabbccddeeff", "")),
                MountedDevice.of("\\DosDevices\\E:", HiveValue.REG_BINARY, gpt));
        assertEquals(Optional.empty(), MountedDevice.of("\\DosDevices\\C:", HiveValue.REG_SZ, mbr));
        assertEquals(Optional.empty(), MountedDevice.of("\\??\\Volume{1234}", HiveValue.REG_BINARY, mbr));
        assertEquals(Optional.empty(), MountedDevice.of("\\DosDevices\\1:", HiveValue.REG_BINARY, mbr));
        assertEquals(Optional.empty(), MountedDevice.of("\\DosDevices\\C:", HiveValue.REG_BINARY, new byte[13]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpmdb.sqlite.gz", "rpmdb-512.sqlite.gz", "rpmdb-65536.sqlite.gz", "utf16be.sqlite.gz"})
    void rpmDatabasesGiveTheirFivePackages(String resource) throws SqliteException {
        List<Package> packages = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        PackageDatabases.rpm(SqliteFile.parse(ByteBuffer.wrap(RpmDatabases.resource(resource))), packages::add, bad::add);
        assertEquals(RpmDatabases.FEDORA_38, packages);
        assertEquals(List.of(), bad);
    }

    @Test
    void anSqliteDatabaseWithoutPackagesIsNoRpmDatabase() throws SqliteException {
        byte[] file = RpmDatabases.fedora38();
        String latin1 = new String(file, StandardCharsets.ISO_8859_1).replace("Packages", "Packagez");
        SqliteFile db = SqliteFile.parse(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1)));
        SqliteException e = assertThrows(SqliteException.class, () -> PackageDatabases.rpm(db, p -> { }, b -> { }));
        assertEquals("no table Packages (not an rpm database)", e.getMessage());
    }
}
