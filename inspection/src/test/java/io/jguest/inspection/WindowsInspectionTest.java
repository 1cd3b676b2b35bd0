package io.jguest.inspection;

import static io.jguest.inspection.GuestTree.mkdirs;
import static io.jguest.inspection.GuestTree.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import io.jguest.api.OsMountpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows guests as directory trees with registry hives made by {@code hivexregedit --merge} on the
 * empty {@code minimal.hive} (as libguestfs's phony Windows guest), inspected end to end.
 */
class WindowsInspectionTest {
    /** libguestfs's phony Windows 7 SOFTWARE hive contents (test-data/phony-guests/windows-software.reg). */
    static final String SOFTWARE = """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft]

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT]

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]
            "ProductName"="Microsoft Windows 7 Phony Edition"
            "CurrentVersion"="6.1"
            "InstallationType"="Client"
            "CurrentBuildNumber"="7601"
            "CurrentBuild"="6.1.7601"

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\test1]
            "DisplayName"="foobar"
            "DisplayVersion"="1.2.3"
            "URLInfoAbout"="http://example.com"
            "VersionMajor"=dword:00000001
            "VersionMinor"=dword:00000002

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\test2]
            "DisplayName"="zoobar"
            "DisplayVersion"="1.2.4"
            "Comments"="this is a comment"
            "Publisher"="Red Hat Inc."

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\test3]
            "DisplayName"="zoobar"
            "DisplayVersion"="1.2.5"
            "InstallLocation"="C:\\\\Program Files\\\\Red Hat\\\\test3"

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\no-display-name]
            "DisplayVersion"="9"

            [HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\test4]
            "DisplayName"="64 bit program"
            "DisplayVersion"="1.2.6"
            "Publisher"="Red Hat Inc."
            """;

    /** Its SYSTEM hive: control set 1, the hostname, and C: (sda2) and D: (sdb1) by MBR signature and offset. */
    static final String SYSTEM = """
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\\SYSTEM\\Select]
            "Current"=dword:00000001
            "Default"=dword:00000001
            "Failed"=dword:00000000
            "LastKnownGood"=dword:00000002

            [HKEY_LOCAL_MACHINE\\SYSTEM\\MountedDevices]
            "\\\\DosDevices\\\\C:"=hex(3):31,32,33,34,00,00,00,10,00,00,00,00
            "\\\\DosDevices\\\\d:"=hex(3):ef,be,ad,de,00,00,10,00,00,00,00,00
            "\\\\DosDevices\\\\E:"=hex(3):ef,be,ad,de,00,00,20,00,00,00,00,00
            "\\\\DosDevices\\\\F:"=hex(0):31,32,33,34,00,00,00,10,00,00,00,00
            "\\\\??\\\\Volume{ab1c2d3e-0000-0000-0000-000000000000}"=hex(3):31,32,33,34,00,00,00,10,00,00,00,00

            [HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters]
            "Hostname"="windows.invalid"
            """;

    static Path minimalHive;

    @TempDir
    Path tmp;

    @BeforeAll
    static void tools() {
        minimalHive = findMinimalHive().orElse(null);
        assumeTrue(minimalHive != null, "shared/data/minimal.hive not found above " + System.getProperty("user.dir"));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/hivexregedit")), "hivexregedit (libwin-hivex-perl) is not installed");
    }

    static Optional<Path> findMinimalHive() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            Path hive = p.resolve("shared/data/minimal.hive");
            if (Files.isRegularFile(hive)) {
                return Optional.of(hive);
            }
        }
        return Optional.empty();
    }

    /** A hive made as libguestfs makes its phony ones: minimal.hive copied, then the .reg text merged. */
    static void hive(Path file, String prefix, String reg) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Files.copy(minimalHive, file, StandardCopyOption.REPLACE_EXISTING);
        file.toFile().setWritable(true);
        Path regFile = Files.writeString(file.resolveSibling(file.getFileName() + ".reg"), withParents(prefix, reg));
        Process p = new ProcessBuilder("hivexregedit", "--merge", "--prefix", prefix, file.toString(), regFile.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Files.delete(regFile);
    }

    /** The .reg text with a section for every missing parent key before its first child (hivexregedit needs them). */
    static String withParents(String prefix, String reg) {
        java.util.Set<String> made = new java.util.HashSet<>();
        StringBuilder out = new StringBuilder();
        for (String line : reg.split("\n", -1)) {
            if (line.startsWith("[") && line.endsWith("]")) {
                String key = line.substring(1, line.length() - 1);
                for (int i = key.indexOf('\\', prefix.length() + 1); i > 0; i = key.indexOf('\\', i + 1)) {
                    if (made.add(key.substring(0, i))) {
                        out.append('[').append(key, 0, i).append("]\n\n");
                    }
                }
                made.add(key);
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** The phony Windows 7: /dev/sda1 a boot partition, /dev/sda2 the system, /dev/sdb1 a data disk. */
    GuestTree windows7(String software) throws IOException, InterruptedException {
        GuestTree g = new GuestTree(tmp).disk("/dev/sda", "dos", "34333231").disk("/dev/sdb", "dos", "deadbeef")
                .partition("/dev/sda1", "/dev/sda", 1, 64 * 512, "34333231-01")
                .partition("/dev/sda2", "/dev/sda", 2, 524288L * 512, "34333231-02")
                .partition("/dev/sdb1", "/dev/sdb", 1, 1 << 20, "deadbeef-01");
        g.fs("/dev/sda1", "ntfs", "", "0A1B2C3D4E5F6071");
        Path c = g.fs("/dev/sda2", "ntfs", "", "1A1B2C3D4E5F6071");
        Path d = g.fs("/dev/sdb1", "ntfs", "Data", "2A1B2C3D4E5F6071");
        mkdirs(d, "/System Volume Information", "/Program Files");
        mkdirs(c, "/Windows/System32/Drivers", "/Program Files");
        write(c, "/Windows/System32/cmd.exe", PeFiles.minimal(PeFiles.I386));
        write(c, "/autoexec.bat", "");
        Path config = c.resolve("Windows/System32/Config");
        if (software != null) {
            hive(config.resolve("SOFTWARE"), "HKEY_LOCAL_MACHINE\\SOFTWARE", software);
        }
        hive(config.resolve("SYSTEM"), "HKEY_LOCAL_MACHINE\\SYSTEM", SYSTEM);
        return g;
    }

    static final List<Application> PHONY_APPS = List.of(
            new Application("test1", "foobar", 0, "1.2.3", "", "", "", "http://example.com", "", ""),
            new Application("test2", "zoobar", 0, "1.2.4", "", "", "Red Hat Inc.", "", "", "this is a comment"),
            new Application("test3", "zoobar", 0, "1.2.5", "", "", "", "", "C:\\Program Files\\Red Hat\\test3", ""),
            new Application("test4", "64 bit program", 0, "1.2.6", "", "", "Red Hat Inc.", "", "", ""));

    @Test
    void phonyWindows7WithMbrDriveLetters() throws Exception {
        InspectionReport report = Inspector.create().inspect(windows7(SOFTWARE).input(), false);

        assertEquals(List.of(new InspectedOs("/dev/sda2", "windows", "windows", "Microsoft Windows 7 Phony Edition", "Client",
                6, 1, "i386", "windows.invalid", null, null, "7601", "/Windows", "ControlSet001",
                List.of(new OsMountpoint("/", "/dev/sda2")),
                List.of(new DriveMapping("C", "/dev/sda2"), new DriveMapping("D", "/dev/sdb1")), PHONY_APPS)),
                report.roots());
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void gptDriveLettersAndWindows10Numbers() throws Exception {
        String cGuid = "6e0d1c2b-3a49-4d58-a7b6-c5d4e3f2a1b0";
        String dGuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        GuestTree g = new GuestTree(tmp).disk("/dev/sda", "gpt", "aaaabbbb-cccc-dddd-eeee-ffff00001111")
                .partition("/dev/sda1", "/dev/sda", 1, 1 << 20, "11111111-2222-3333-4444-555555555555")
                .partition("/dev/sda2", "/dev/sda", 2, 101L << 20, cGuid)
                .partition("/dev/sda3", "/dev/sda", 3, 2L << 30, dGuid);
        g.fs("/dev/sda1", "vfat", "EFI", "ABCD-1234");
        Path c = g.fs("/dev/sda2", "ntfs", "", "1A1B2C3D4E5F6071");
        g.fs("/dev/sda3", "ntfs", "Data", "2A1B2C3D4E5F6071");
        write(c, "/WINDOWS/system32/CMD.EXE", PeFiles.minimal(PeFiles.AMD64));
        Path config = c.resolve("WINDOWS/system32/config");
        hive(config.resolve("software"), "HKEY_LOCAL_MACHINE\\SOFTWARE", """
                Windows Registry Editor Version 5.00

                [HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]
                "ProductName"="Windows 10 Pro"
                "CurrentVersion"="6.3"
                "CurrentMajorVersionNumber"=dword:0000000a
                "CurrentMinorVersionNumber"=dword:00000000
                "InstallationType"="Client"
                "CurrentBuildNumber"="19045"
                """);
        hive(config.resolve("system"), "HKEY_LOCAL_MACHINE\\SYSTEM", """
                Windows Registry Editor Version 5.00

                [HKEY_LOCAL_MACHINE\\SYSTEM\\Select]
                "Current"=dword:00000002

                [HKEY_LOCAL_MACHINE\\SYSTEM\\MountedDevices]
                "\\\\DosDevices\\\\C:"=hex(3):44,4d,49,4f,3a,49,44,3a,2b,1c,0d,6e,49,3a,58,4d,a7,b6,c5,d4,e3,f2,a1,b0
                "\\\\DosDevices\\\\G:"=hex(3):44,4d,49,4f,3a,49,44,3a,3c,2d,1e,0f,5a,4b,78,69,87,96,a5,b4,c3,d2,e1,f0

                [HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Services\\Tcpip\\Parameters]
                "Hostname"="win10"
                """);

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(new InspectedOs("/dev/sda2", "windows", "windows", "Windows 10 Pro", "Client", 10, 0, "x86_64",
                "win10", null, null, "19045", "/WINDOWS", "ControlSet002", List.of(new OsMountpoint("/", "/dev/sda2")),
                List.of(new DriveMapping("C", "/dev/sda2"), new DriveMapping("G", "/dev/sda3")), List.of())), report.roots());
        assertEquals(List.of(), report.warnings());
    }

    @Test
    void corruptSoftwareHiveLeavesTheRestOfTheReport() throws Exception {
        GuestTree g = windows7(null);
        Path software = tmp.resolve("fs1/Windows/System32/Config/SOFTWARE");
        byte[] junk = Files.readAllBytes(minimalHive);
        for (int i = 0x1000; i < junk.length; i += 7) {
            junk[i] = (byte) (junk[i] * 31 + 17);
        }
        junk[0] = 'X';
        Files.write(software, junk);

        InspectionReport report = Inspector.create().inspect(g.input(), false);

        assertEquals(List.of(new InspectedOs("/dev/sda2", "windows", "windows", null, null, 0, 0, "i386", "windows.invalid",
                null, null, null, "/Windows", "ControlSet001", List.of(new OsMountpoint("/", "/dev/sda2")),
                List.of(new DriveMapping("C", "/dev/sda2"), new DriveMapping("D", "/dev/sdb1")), List.of())), report.roots());
        assertEquals(1, report.warnings().size(), report.warnings().toString());
        assertEquals(true, report.warnings().get(0).startsWith("/dev/sda2: /Windows/System32/Config/SOFTWARE: "),
                report.warnings().get(0));
    }

    @Test
    void explanationOfADriveLetter() throws Exception {
        InspectionReport report = Inspector.create().inspect(windows7(SOFTWARE).input(), true);

        String text = report.explanations().stream()
                .filter(e -> e.conclusion().equals("drive_mapping(\"/dev/sda2\", \"C\", \"/dev/sda2\")"))
                .findFirst().orElseThrow().text();
        int line = LinuxInspectionTest.lineOf("drive_mapping(Fs, Letter, Dev) :-");
        assertEquals(true, text.startsWith("drive_mapping(\"/dev/sda2\", \"C\", \"/dev/sda2\")   <- rule at inspection.rules:" + line + ":"),
                text);
        assertEquals(true, text.contains("disk(\"/dev/sda\", \"0\", \"dos\", \"34333231\")   <- input"), text);
    }
}
