package io.jguest.cli.inspect;

import io.jguest.api.DriveMapping;
import io.jguest.api.Filesystem;
import io.jguest.api.OsMountpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code guest-inspect --json}: the content of {@link InspectionXml}'s document as JSON (RFC 8259),
 * with the same names: {@code {"operatingsystems": [{"root": ..., "name": ..., "major_version": 12,
 * "mountpoints": [{"mountpoint": "/", "dev": ...}], "filesystems": [{"dev": ..., "type": ..., "label":
 * ..., "uuid": ...}], "drive_mappings": [{"name": "C", "dev": ...}], "applications": [{"name": ...}]}]}}.
 * What the XML leaves out is left out here too. Versions and epochs are numbers, everything else
 * strings. Indented by two spaces, one member per line; non-ASCII characters are written as they are
 * (the output is UTF-8), control characters and unpaired surrogates as {@code \\uXXXX}. Hand-written:
 * a few lines do not justify a dependency.
 */
final class InspectionJson {
    private final StringBuilder out = new StringBuilder();

    private InspectionJson() {
    }

    /** The whole document, ending with a newline. */
    static String write(List<OsView> oses) {
        InspectionJson j = new InspectionJson();
        j.value(Map.of("operatingsystems", oses.stream().map(InspectionJson::tree).toList()), 0);
        j.out.append('\n');
        return j.out.toString();
    }

    /**
     * The document of a batch: {@code {"guests": [{"image": PATH, "operatingsystems": [...]}, {"image":
     * PATH, "error": MESSAGE}]}}, each {@code operatingsystems} as {@link #write} prints it.
     */
    static String writeBatch(List<BatchResult> results) {
        List<Object> guests = new ArrayList<>();
        for (BatchResult r : results) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("image", r.image());
            if (r.failed()) {
                g.put("error", r.error());
            } else {
                g.put("operatingsystems", r.oses().stream().map(InspectionJson::tree).toList());
            }
            guests.add(g);
        }
        InspectionJson j = new InspectionJson();
        j.value(Map.of("guests", guests), 0);
        j.out.append('\n');
        return j.out.toString();
    }

    /** One operating system as nested maps (insertion-ordered), lists, strings and longs. */
    private static Map<String, Object> tree(OsView os) {
        Map<String, Object> m = fields(os.fields());
        List<Object> mountpoints = new ArrayList<>();
        for (OsMountpoint mp : os.mountpoints()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("mountpoint", mp.mountpoint());
            e.put("dev", mp.device());
            mountpoints.add(e);
        }
        m.put("mountpoints", mountpoints);
        List<Object> filesystems = new ArrayList<>();
        for (Filesystem f : os.filesystems()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dev", f.device());
            putIfNotEmpty(e, "type", f.type());
            putIfNotEmpty(e, "label", f.label());
            putIfNotEmpty(e, "uuid", f.uuid());
            filesystems.add(e);
        }
        m.put("filesystems", filesystems);
        if (!os.driveMappings().isEmpty()) {
            List<Object> drives = new ArrayList<>();
            for (DriveMapping d : os.driveMappings()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", d.letter());
                e.put("dev", d.device());
                drives.add(e);
            }
            m.put("drive_mappings", drives);
        }
        m.put("applications", os.applications().stream().map(InspectionJson::fields).toList());
        return m;
    }

    private static Map<String, Object> fields(List<OsView.Field> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OsView.Field f : fields) {
            m.put(f.name(), f.number() ? (Object) Long.parseLong(f.value()) : f.value());
        }
        return m;
    }

    private static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
        if (!value.isEmpty()) {
            m.put(key, value);
        }
    }

    private void value(Object v, int depth) {
        switch (v) {
            case String s -> string(s);
            case Long n -> out.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    indent(depth + 1);
                    string((String) e.getKey());
                    out.append(": ");
                    value(e.getValue(), depth + 1);
                    out.append(++i < m.size() ? ",\n" : "\n");
                }
                indent(depth);
                out.append('}');
            }
            case List<?> l -> {
                if (l.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                for (int i = 0; i < l.size(); i++) {
                    indent(depth + 1);
                    value(l.get(i), depth + 1);
                    out.append(i + 1 < l.size() ? ",\n" : "\n");
                }
                indent(depth);
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private void indent(int depth) {
        out.append("  ".repeat(depth));
    }

    /** A JSON string literal: {@code " \\} and control characters escaped, unpaired surrogates as {@code \\uXXXX}. */
    static String quote(String s) {
        InspectionJson j = new InspectionJson();
        j.string(s);
        return j.out.toString();
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
