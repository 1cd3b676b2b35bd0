package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch documents: each image's entry is the single-image document's content, failures an attribute. */
class BatchDocumentTest {
    private static final List<BatchResult> TWO = List.of(
            BatchResult.inspected("vm1.img", OsView.of(Reports.report(Reports.LINUX), Reports.FILESYSTEMS), List.of()),
            BatchResult.failed("missing \"2\".img", "missing \"2\".img: no such file", List.of()));

    @Test
    void xmlWrapsEachImagesOperatingSystemsInAGuest() {
        assertEquals("""
                <?xml version="1.0"?>
                <guests>
                  <guest image="vm1.img">
                    <operatingsystems>
                      <operatingsystem>
                        <root>/dev/sda2</root>
                        <name>linux</name>
                        <arch>x86_64</arch>
                        <distro>debian</distro>
                        <product_name>Debian GNU/Linux 12 (bookworm)</product_name>
                        <major_version>12</major_version>
                        <minor_version>5</minor_version>
                        <package_format>deb</package_format>
                        <package_management>apt</package_management>
                        <hostname>web1</hostname>
                        <osinfo>debian12</osinfo>
                        <mountpoints>
                          <mountpoint dev="/dev/sda2">/</mountpoint>
                          <mountpoint dev="/dev/vg0/var">/var</mountpoint>
                          <mountpoint dev="/dev/sda1">/boot</mountpoint>
                        </mountpoints>
                        <filesystems>
                          <filesystem dev="/dev/sda1">
                            <type>ext4</type>
                            <label>BOOT</label>
                            <uuid>0a1b2c3d-0000-4000-8000-000000000001</uuid>
                          </filesystem>
                          <filesystem dev="/dev/sda2">
                            <type>ext4</type>
                            <uuid>0a1b2c3d-0000-4000-8000-000000000002</uuid>
                          </filesystem>
                          <filesystem dev="/dev/vg0/var">
                            <type>xfs</type>
                            <uuid>0a1b2c3d-0000-4000-8000-000000000004</uuid>
                          </filesystem>
                        </filesystems>
                        <applications>
                          <application>
                            <name>hello</name>
                            <epoch>1</epoch>
                            <version>2.10</version>
                            <release>3+b1</release>
                            <arch>amd64</arch>
                            <summary>example package</summary>
                          </application>
                          <application>
                            <name>libc6</name>
                            <version>2.36</version>
                            <release>9</release>
                            <arch>amd64</arch>
                            <summary>GNU C Library</summary>
                          </application>
                        </applications>
                      </operatingsystem>
                    </operatingsystems>
                  </guest>
                  <guest image="missing &quot;2&quot;.img" error="missing &quot;2&quot;.img: no such file"/>
                </guests>
                """, InspectionXml.writeBatch(TWO));
    }

    @Test
    void jsonHasTheSameStructure() {
        assertEquals("""
                {
                  "guests": [
                    {
                      "image": "vm1.img",
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
                    },
                    {
                      "image": "missing \\"2\\".img",
                      "error": "missing \\"2\\".img: no such file"
                    }
                  ]
                }
                """, InspectionJson.writeBatch(TWO));
    }

    @Test
    void aGuestWithoutOperatingSystemsAndAnEmptyBatch() {
        assertEquals("""
                <?xml version="1.0"?>
                <guests>
                  <guest image="a.img">
                    <operatingsystems/>
                  </guest>
                </guests>
                """, InspectionXml.writeBatch(List.of(BatchResult.inspected("a.img", List.of(), List.of()))));
        assertEquals("<?xml version=\"1.0\"?>\n<guests/>\n", InspectionXml.writeBatch(List.of()));
        assertEquals("{\n  \"guests\": []\n}\n", InspectionJson.writeBatch(List.of()));
    }
}
