package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jguest.api.Filesystem;
import io.jguest.api.InspectedOs;
import java.util.List;
import org.junit.jupiter.api.Test;

class InspectionJsonTest {
    private static String json(List<Filesystem> filesystems, InspectedOs... roots) {
        return InspectionJson.write(OsView.of(Reports.report(roots), filesystems));
    }

    @Test
    void linuxHasTheXmlsContentWithNumbersAsNumbers() {
        assertEquals("""
                {
                  "operatingsystems": [
                    {
                      "root": "/dev/sda2",
                      "name": "linux",
                      "arch": "x86_64",
                      "distro": "debian",
                      "product_name": "Debian GNU/Linux 12 (bookworm)",
                      "major_version": 12,
                      "minor_version": 5,
                      "package_format": "deb",
                      "package_management": "apt",
                      "hostname": "web1",
                      "osinfo": "debian12",
                      "mountpoints": [
                        {
                          "mountpoint": "/",
                          "dev": "/dev/sda2"
                        },
                        {
                          "mountpoint": "/var",
                          "dev": "/dev/vg0/var"
                        },
                        {
                          "mountpoint": "/boot",
                          "dev": "/dev/sda1"
                        }
                      ],
                      "filesystems": [
                        {
                          "dev": "/dev/sda1",
                          "type": "ext4",
                          "label": "BOOT",
                          "uuid": "0a1b2c3d-0000-4000-8000-000000000001"
                        },
                        {
                          "dev": "/dev/sda2",
                          "type": "ext4",
                          "uuid": "0a1b2c3d-0000-4000-8000-000000000002"
                        },
                        {
                          "dev": "/dev/vg0/var",
                          "type": "xfs",
                          "uuid": "0a1b2c3d-0000-4000-8000-000000000004"
                        }
                      ],
                      "applications": [
                        {
                          "name": "hello",
                          "epoch": 1,
                          "version": "2.10",
                          "release": "3+b1",
                          "arch": "amd64",
                          "summary": "example package"
                        },
                        {
                          "name": "libc6",
                          "version": "2.36",
                          "release": "9",
                          "arch": "amd64",
                          "summary": "GNU C Library"
                        }
                      ]
                    }
                  ]
                }
                """, json(Reports.FILESYSTEMS, Reports.LINUX));
    }

    @Test
    void windowsHasDriveMappings() {
        assertEquals("""
                {
                  "operatingsystems": [
                    {
                      "root": "/dev/sda2",
                      "name": "windows",
                      "arch": "x86_64",
                      "distro": "windows",
                      "product_name": "Windows 10 Pro",
                      "product_variant": "Client",
                      "major_version": 10,
                      "minor_version": 0,
                      "windows_systemroot": "/Windows",
                      "windows_current_control_set": "ControlSet001",
                      "hostname": "WIN-PC",
                      "osinfo": "win10",
                      "mountpoints": [
                        {
                          "mountpoint": "/",
                          "dev": "/dev/sda2"
                        }
                      ],
                      "filesystems": [
                        {
                          "dev": "/dev/sda2",
                          "type": "ntfs",
                          "uuid": "AAAABBBBCCCCDDDD"
                        }
                      ],
                      "drive_mappings": [
                        {
                          "name": "C",
                          "dev": "/dev/sda2"
                        },
                        {
                          "name": "D",
                          "dev": "/dev/sdb1"
                        }
                      ],
                      "applications": [
                        {
                          "name": "{1234-ABCD}",
                          "display_name": "7-Zip 23.01 (x64)",
                          "version": "23.01",
                          "install_path": "C:\\\\Program Files\\\\7-Zip\\\\",
                          "publisher": "Igor Pavlov",
                          "url": "https://www.7-zip.org/",
                          "description": "file archiver"
                        }
                      ]
                    }
                  ]
                }
                """, json(Reports.WINDOWS_FILESYSTEMS, Reports.WINDOWS));
    }

    @Test
    void emptyValuesAreLeftOutAndEmptyListsAreEmptyArrays() {
        InspectedOs bare = new InspectedOs("/dev/sda1", "unknown", "", null, null, 0, 0, null, null, null, null, null,
                null, null, List.of(), List.of(), List.of());
        assertEquals("""
                {
                  "operatingsystems": [
                    {
                      "root": "/dev/sda1",
                      "major_version": 0,
                      "minor_version": 0,
                      "mountpoints": [
                        {
                          "mountpoint": "/",
                          "dev": "/dev/sda1"
                        }
                      ],
                      "filesystems": [
                        {
                          "dev": "/dev/sda1"
                        }
                      ],
                      "applications": []
                    }
                  ]
                }
                """, json(List.of(), bare));
    }

    @Test
    void stringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c/d<>&'\"", InspectionJson.quote("a\"b\\c/d<>&'"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u0001\\u001f\\u007f\"", InspectionJson.quote("\n\r\t\b\f\u0000\u0001\u001f\u007f"));
        assertEquals("\"é\uD83D\uDE00 \\ud800 \\udc00x\"", InspectionJson.quote("é\uD83D\uDE00 \uD800 \uDC00x"));
        assertEquals("\"\u2028\"", InspectionJson.quote("\u2028"));
    }
}
