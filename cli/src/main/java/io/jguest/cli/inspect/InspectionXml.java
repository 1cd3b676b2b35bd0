package io.jguest.cli.inspect;

import io.jguest.api.DriveMapping;
import io.jguest.api.Filesystem;
import io.jguest.api.OsMountpoint;
import java.util.List;

/**
 * virt-inspector's XML (libguestfs 1.48): {@code <?xml version="1.0"?>}, then {@code <operatingsystems>}
 * with one {@code <operatingsystem>} per root, indented by two spaces per level, an element with no
 * content written {@code <name/>}, one line per element, {@code \n} line ends. Escaping is libxml2's
 * ({@code < > & "} in text; also tab, newline and carriage return in attributes), except that
 * characters XML 1.0 cannot carry at all (most control characters, unpaired surrogates, U+FFFE/U+FFFF)
 * become U+FFFD, where libxml2 would write a document no parser accepts.
 */
final class InspectionXml {
    private final StringBuilder out = new StringBuilder();
    /** Levels every line is indented by: 0 for one guest, 2 inside a batch's {@code <guest>}. */
    private int base;

    private InspectionXml() {
    }

    /** The whole document, ending with a newline. */
    static String write(List<OsView> oses) {
        InspectionXml x = new InspectionXml();
        x.out.append("<?xml version=\"1.0\"?>\n");
        x.operatingSystems(oses);
        return x.out.toString();
    }

    /**
     * The document of a batch ({@code guest-inspect --batch}): {@code <guests>} with one
     * {@code <guest image="PATH">} per image holding what {@link #write} prints for it, or
     * {@code <guest image="PATH" error="..."/>} for an image that failed.
     */
    static String writeBatch(List<BatchResult> results) {
        InspectionXml x = new InspectionXml();
        x.out.append("<?xml version=\"1.0\"?>\n");
        if (results.isEmpty()) {
            x.line(0, "<guests/>");
            return x.out.toString();
        }
        x.line(0, "<guests>");
        for (BatchResult r : results) {
            String open = "<guest image=\"" + attribute(r.image()) + "\"";
            if (r.failed()) {
                x.line(1, open + " error=\"" + attribute(r.error()) + "\"/>");
                continue;
            }
            x.line(1, open + ">");
            x.base = 2;
            x.operatingSystems(r.oses());
            x.base = 0;
            x.line(1, "</guest>");
        }
        x.line(0, "</guests>");
        return x.out.toString();
    }

    private void operatingSystems(List<OsView> oses) {
        if (oses.isEmpty()) {
            line(0, "<operatingsystems/>");
            return;
        }
        line(0, "<operatingsystems>");
        oses.forEach(this::os);
        line(0, "</operatingsystems>");
    }

    private void os(OsView os) {
        line(1, "<operatingsystem>");
        os.fields().forEach(f -> leaf(2, f.name(), f.value()));

        line(2, "<mountpoints>");
        for (OsMountpoint m : os.mountpoints()) {
            line(3, "<mountpoint dev=\"" + attribute(m.device()) + "\">" + text(m.mountpoint()) + "</mountpoint>");
        }
        line(2, "</mountpoints>");

        line(2, "<filesystems>");
        for (Filesystem f : os.filesystems()) {
            String open = "<filesystem dev=\"" + attribute(f.device()) + "\"";
            if (f.type().isEmpty() && f.label().isEmpty() && f.uuid().isEmpty()) {
                line(3, open + "/>");
                continue;
            }
            line(3, open + ">");
            optionalLeaf(4, "type", f.type());
            optionalLeaf(4, "label", f.label());
            optionalLeaf(4, "uuid", f.uuid());
            line(3, "</filesystem>");
        }
        line(2, "</filesystems>");

        if (!os.driveMappings().isEmpty()) {
            line(2, "<drive_mappings>");
            for (DriveMapping d : os.driveMappings()) {
                line(3, "<drive_mapping name=\"" + attribute(d.letter()) + "\">" + text(d.device()) + "</drive_mapping>");
            }
            line(2, "</drive_mappings>");
        }

        if (os.applications().isEmpty()) {
            line(2, "<applications/>");
        } else {
            line(2, "<applications>");
            for (List<OsView.Field> app : os.applications()) {
                line(3, "<application>");
                app.forEach(f -> leaf(4, f.name(), f.value()));
                line(3, "</application>");
            }
            line(2, "</applications>");
        }
        line(1, "</operatingsystem>");
    }

    private void optionalLeaf(int depth, String name, String value) {
        if (!value.isEmpty()) {
            leaf(depth, name, value);
        }
    }

    private void leaf(int depth, String name, String value) {
        line(depth, value.isEmpty() ? "<" + name + "/>" : "<" + name + ">" + text(value) + "</" + name + ">");
    }

    private void line(int depth, String s) {
        out.append("  ".repeat(base + depth)).append(s).append('\n');
    }

    /** Character data: {@code < > & "} and carriage return escaped, as libxml2 does. */
    static String text(String s) {
        return escape(s, false);
    }

    /** An attribute value in double quotes: as text, plus tab and newline (which a parser would normalise). */
    static String attribute(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean attribute) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\r' -> b.append("&#13;");
                case '\n' -> b.append(attribute ? "&#10;" : "\n");
                case '\t' -> b.append(attribute ? "&#9;" : "\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
