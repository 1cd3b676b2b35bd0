package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jguest.api.InspectedOs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OsinfoTest {
    private static InspectedOs os(String type, String distro, int major, int minor, String productName,
                                  String variant, String build) {
        return new InspectedOs("/dev/sda1", type, distro, productName, variant, major, minor, "x86_64", null, null, null,
                build, null, null, List.of(), List.of(), List.of());
    }

    @ParameterizedTest(name = "{0} {1} {2}.{3} -> {4}")
    @CsvSource(nullValues = "null", textBlock = """
            linux, centos,    9, 0, centos9
            linux, centos,    8, 4, centos8
            linux, centos,    7, 9, centos7.0
            linux, centos,    6, 10, centos6.10
            linux, centos,    5, 11, centos5.11
            linux, rocky,     9, 2, rocky9
            linux, rocky,     7, 1, rocky7.1
            linux, circle,    8, 5, circle8
            linux, debian,    12, 8, debian12
            linux, debian,    4, 0, debian4
            linux, debian,    3, 1, debian3.1
            linux, fedora,    38, 0, fedora38
            linux, mageia,    9, 0, mageia9
            linux, sles,      15, 0, sles15
            linux, sles,      15, 5, sles15sp5
            linux, ubuntu,    22, 4, ubuntu22.04
            linux, ubuntu,    23, 10, ubuntu23.10
            linux, archlinux, 0, 0, archlinux
            linux, gentoo,    2, 14, gentoo
            linux, voidlinux, 0, 0, voidlinux
            linux, altlinux,  10, 1, alt10.1
            linux, altlinux,  7, 0, altlinux7.0
            linux, rhel,      9, 2, rhel9.2
            linux, opensuse,  15, 5, opensuse15.5
            linux, alpinelinux, 3, 18, alpinelinux3.18
            linux, rhel,      0, 0, unknown
            linux, unknown,   5, 1, unknown
            linux, null,      5, 1, unknown
            freebsd, freebsd, 14, 0, freebsd14.0
            netbsd, netbsd,   9, 3, netbsd9.3
            openbsd, openbsd, 7, 4, openbsd7.4
            dos, msdos,       6, 22, msdos6.22
            dos, freedos,     1, 3, unknown
            hurd, debian,     0, 0, unknown
            null, null,       0, 0, unknown
            """)
    void unixLikeAndDos(String type, String distro, int major, int minor, String expected) {
        assertEquals(expected, Osinfo.of(os(type, distro, major, minor, null, null, null)));
    }

    @ParameterizedTest(name = "{0}.{1} {3} \"{2}\" build {4} -> {5}")
    @CsvSource(nullValues = "null", textBlock = """
            5, 1, Microsoft Windows XP,                      Client, null,  winxp
            5, 2, Microsoft Windows XP Professional x64,     Client, null,  winxp
            5, 2, Microsoft Windows Server 2003 R2,          Server, null,  win2k3r2
            5, 2, Microsoft Windows Server 2003,             Server, null,  win2k3
            6, 0, Windows Vista (TM) Business,               Client, 6002,  winvista
            6, 0, Windows Server (R) 2008 Standard,          Server, 6002,  win2k8
            6, 1, Windows 7 Professional,                    Client, 7601,  win7
            6, 1, Windows Server 2008 R2 Standard,           Server, 7601,  win2k8r2
            6, 2, Windows 8 Pro,                             Client, 9200,  win8
            6, 2, Windows Server 2012 Standard,              Server, 9200,  win2k12
            6, 3, Windows 8.1 Pro,                           Client, 9600,  win8.1
            6, 3, Windows Server 2012 R2 Standard,           Server, 9600,  win2k12r2
            6, 3, Windows Server 2012 R2 Standard Core,      Server Core, 9600, win2k12r2
            10, 0, Windows Server 2016 Standard,             Server, 14393, win2k16
            10, 0, Windows Server 2019 Datacenter,           Server, 17763, win2k19
            10, 0, Windows Server 2022 Standard,             Server, 20348, win2k22
            10, 0, Windows Server 2025 Datacenter,           Server, 26100, win2k25
            10, 0, Windows 10 Pro,                           Client, 19045, win10
            10, 0, Windows 10 Pro,                           Client, 22000, win11
            10, 0, Windows 10 Pro,                           Client, 22631, win11
            10, 0, Windows 10 Pro,                           Client, null,  win10
            10, 0, Windows 10 Pro,                           Client, 19045a, unknown
            10, 0, Windows 10 Pro,                           Client, -1,    unknown
            5, 0, Microsoft Windows 2000,                    Client, null,  unknown
            6, 4, Windows 10 Technical Preview,              Client, 9841,  unknown
            10, 1, Windows Future,                           Client, 30000, unknown
            """)
    void windows(int major, int minor, String productName, String variant, String build, String expected) {
        assertEquals(expected, Osinfo.of(os("windows", "windows", major, minor, productName, variant, build)));
    }

    @Test
    void windowsWithoutProductNameOrVariantIsAClient() {
        assertEquals("win7", Osinfo.of(os("windows", "windows", 6, 1, null, null, null)));
        assertEquals("win2k3", Osinfo.of(os("windows", "windows", 5, 2, null, null, null)));
    }

    @Test
    void unknownIsLeftOutOfTheDocument() {
        String doc = InspectionXml.write(OsView.of(Reports.report(os("linux", null, 5, 1, null, null, null)), List.of()));
        assertFalse(doc.contains("osinfo"), doc);
    }
}
