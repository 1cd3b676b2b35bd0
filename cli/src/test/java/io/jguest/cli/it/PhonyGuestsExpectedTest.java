package io.jguest.cli.it;

import static io.jguest.cli.it.VirtInspectorXml.child;
import static io.jguest.cli.it.VirtInspectorXml.children;
import static io.jguest.cli.it.VirtInspectorXml.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jguest.api.Application;
import io.jguest.api.DriveMapping;
import io.jguest.api.InspectedOs;
import io.jguest.api.OsMountpoint;
import io.jguest.cli.it.PhonyGuests.Expected;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.w3c.dom.Element;

/**
 * {@link Expected} says what libguestfs 1.48's virt-inspector said about each phony guest, as saved
 * in {@code docs/virt-inspector/NAME.xml}: same root, type, distro, product, version, arch, host
 * name, package format and manager, Windows systemroot and control set, mountpoints, drive mappings
 * and applications. (The build id is not in virt-inspector's XML.)
 */
class PhonyGuestsExpectedTest {
    static final List<Expected> ALL = Expected.ALL;

    @ParameterizedTest
    @FieldSource("ALL")
    void agreesWithVirtInspector(Expected expected) {
        Path xml = VirtInspectorXml.reference(expected.image());
        Element root = VirtInspectorXml.parse(xml);
        List<Element> oses = children(root, "operatingsystem");
        assertEquals(1, oses.size(), xml + ": operating systems");
        assertEquals(fromXml(oses.getFirst()), withoutBuildId(expected.os()), xml.toString());
    }

    /** The XML as an {@link InspectedOs}, mapped the way the record's javadoc describes. */
    private static InspectedOs fromXml(Element os) {
        boolean windows = "windows".equals(text(os, "name"));
        List<OsMountpoint> mountpoints = new ArrayList<>();
        for (Element m : children(child(os, "mountpoints"), "mountpoint")) {
            mountpoints.add(new OsMountpoint(m.getTextContent(), m.getAttribute("dev")));
        }
        List<DriveMapping> drives = new ArrayList<>();
        for (Element d : children(child(os, "drive_mappings"), "drive_mapping")) {
            drives.add(new DriveMapping(d.getAttribute("name"), d.getTextContent()));
        }
        List<Application> apps = new ArrayList<>();
        for (Element a : children(child(os, "applications"), "application")) {
            String epoch = text(a, "epoch");
            apps.add(new Application(text(a, "name"), orEmpty(text(a, "display_name")),
                    epoch == null ? 0 : Integer.parseInt(epoch), orEmpty(text(a, "version")),
                    orEmpty(text(a, "release")), orEmpty(text(a, "arch")), orEmpty(text(a, "publisher")),
                    orEmpty(text(a, "url")), orEmpty(text(a, "install_path")),
                    orEmpty(windows ? text(a, "description") : text(a, "summary"))));
        }
        return new InspectedOs(text(os, "root"), text(os, "name"), text(os, "distro"), text(os, "product_name"),
                text(os, "product_variant"), Integer.parseInt(text(os, "major_version")),
                Integer.parseInt(text(os, "minor_version")), text(os, "arch"), text(os, "hostname"),
                text(os, "package_format"), text(os, "package_management"), null, text(os, "windows_systemroot"),
                text(os, "windows_current_control_set"), mountpoints, drives, apps);
    }

    private static InspectedOs withoutBuildId(InspectedOs o) {
        return new InspectedOs(o.root(), o.type(), o.distro(), o.productName(), o.productVariant(), o.majorVersion(),
                o.minorVersion(), o.arch(), o.hostname(), o.packageFormat(), o.packageManagement(), null,
                o.windowsSystemroot(), o.windowsCurrentControlSet(), o.mountpoints(), o.driveMappings(),
                o.applications());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
