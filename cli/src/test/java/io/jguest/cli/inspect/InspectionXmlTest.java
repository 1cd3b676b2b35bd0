package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.Filesystem;
import io.jguest.api.InspectedOs;
import io.jguest.api.OsMountpoint;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class InspectionXmlTest {
    private static String xml(List<Filesystem> filesystems, InspectedOs... roots) {
        return InspectionXml.write(OsView.of(Reports.report(roots), filesystems));
    }

    @Test
    void linuxWithMountpointsAndApplicationsIsVirtInspectorsDocument() {
        assertEquals("""
                <?xml version="1.0"?>
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
                """, xml(Reports.FILESYSTEMS, Reports.LINUX));
    }

    @Test
    void windowsWithDriveMappingsIsVirtInspectorsDocument() {
        assertEquals("""
                <?xml version="1.0"?>
                <operatingsystems>
                  <operatingsystem>
                    <root>/dev/sda2</root>
                    <name>windows</name>
                    <arch>x86_64</arch>
                    <distro>windows</distro>
                    <product_name>Windows 10 Pro</product_name>
                    <product_variant>Client</product_variant>
                    <major_version>10</major_version>
                    <minor_version>0</minor_version>
                    <windows_systemroot>/Windows</windows_systemroot>
                    <windows_current_control_set>ControlSet001</windows_current_control_set>
                    <hostname>WIN-PC</hostname>
                    <osinfo>win10</osinfo>
                    <mountpoints>
                      <mountpoint dev="/dev/sda2">/</mountpoint>
                    </mountpoints>
                    <filesystems>
                      <filesystem dev="/dev/sda2">
                        <type>ntfs</type>
                        <uuid>AAAABBBBCCCCDDDD</uuid>
                      </filesystem>
                    </filesystems>
                    <drive_mappings>
                      <drive_mapping name="C">/dev/sda2</drive_mapping>
                      <drive_mapping name="D">/dev/sdb1</drive_mapping>
                    </drive_mappings>
                    <applications>
                      <application>
                        <name>{1234-ABCD}</name>
                        <display_name>7-Zip 23.01 (x64)</display_name>
                        <version>23.01</version>
                        <install_path>C:\\Program Files\\7-Zip\\</install_path>
                        <publisher>Igor Pavlov</publisher>
                        <url>https://www.7-zip.org/</url>
                        <description>file archiver</description>
                      </application>
                    </applications>
                  </operatingsystem>
                </operatingsystems>
                """, xml(Reports.WINDOWS_FILESYSTEMS, Reports.WINDOWS));
    }

    @Test
    void unknownAndEmptyValuesAreLeftOutButVersionsStay() {
        InspectedOs bare = new InspectedOs("/dev/sda1", "unknown", "", null, "unknown", 0, 0, null, "", "unknown",
                null, null, null, null, List.of(), List.of(),
                List.of(new Application("tool", "", 0, "", "", "", "", "", "", "")));
        assertEquals("""
                <?xml version="1.0"?>
                <operatingsystems>
                  <operatingsystem>
                    <root>/dev/sda1</root>
                    <major_version>0</major_version>
                    <minor_version>0</minor_version>
                    <mountpoints>
                      <mountpoint dev="/dev/sda1">/</mountpoint>
                    </mountpoints>
                    <filesystems>
                      <filesystem dev="/dev/sda1"/>
                    </filesystems>
                    <applications>
                      <application>
                        <name>tool</name>
                      </application>
                    </applications>
                  </operatingsystem>
                </operatingsystems>
                """, xml(List.of(new Filesystem("/dev/sda1", "unknown", "", "")), bare));
    }

    @Test
    void noApplicationsIsAnEmptyElementAndSeveralRootsFollowTheReport() {
        InspectedOs a = new InspectedOs("/dev/sdb1", "linux", null, null, null, 3, 1, null, null, null, null, null,
                null, null, List.of(), List.of(), List.of());
        InspectedOs b = new InspectedOs("/dev/sda1", "freebsd", null, null, null, 14, 0, null, null, null, null, null,
                null, null, List.of(), List.of(), List.of());
        String doc = xml(List.of(), a, b);
        assertEquals(2, doc.split("<applications/>", -1).length - 1, doc);
        assertTrue(doc.indexOf("<root>/dev/sdb1</root>") < doc.indexOf("<root>/dev/sda1</root>"), doc);
    }

    @Test
    void markupAndControlCharactersAreEscaped() {
        InspectedOs os = new InspectedOs("/dev/sda1", "linux", null, "a<b>&\"c'\u0001d\te\nf\rg", null, 1, 0, null,
                "smile\uD83D\uDE00 lone\uD800 \uFFFE", null, null, null, null, null,
                List.of(new OsMountpoint("/", "/dev/sda1"), new OsMountpoint("/we\"ird<&>", "/dev/x\"y\n\tz")),
                List.of(new DriveMapping("\"", "/dev/<sda>")), List.of());
        String doc = xml(List.of(), os);
        assertTrue(doc.contains("<product_name>a&lt;b&gt;&amp;&quot;c'\uFFFDd\te\nf&#13;g</product_name>"), doc);
        assertTrue(doc.contains("<hostname>smile\uD83D\uDE00 lone\uFFFD \uFFFD</hostname>"), doc);
        assertTrue(doc.contains("<mountpoint dev=\"/dev/x&quot;y&#10;&#9;z\">/we&quot;ird&lt;&amp;&gt;</mountpoint>"),
                doc);
        assertTrue(doc.contains("<drive_mapping name=\"&quot;\">/dev/&lt;sda&gt;</drive_mapping>"), doc);
        // and a parser reads back exactly what went in, control character aside
        Document parsed = parse(doc);
        Element os1 = (Element) parsed.getElementsByTagName("operatingsystem").item(0);
        assertEquals("a<b>&\"c'\uFFFDd\te\nf\rg", os1.getElementsByTagName("product_name").item(0).getTextContent());
        Element mp = (Element) os1.getElementsByTagName("mountpoint").item(1);
        assertEquals("/dev/x\"y\n\tz", mp.getAttribute("dev"));
        assertEquals("/we\"ird<&>", mp.getTextContent());
    }

    private static Document parse(String doc) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage() + "\n" + doc, e);
        }
    }
}
