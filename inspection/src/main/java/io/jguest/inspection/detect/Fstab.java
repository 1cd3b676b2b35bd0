package io.jguest.inspection.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code /etc/fstab}: one entry per line, fields separated by blanks (spec, mountpoint, type, then
 * optional options, dump, pass), {@code #} comments, octal escapes ({@code \040} for a space) in
 * every field. The mountpoint is canonical as libguestfs makes it ({@code ///usr//local/} →
 * {@code /usr/local}). A line that is not an entry (fewer than 3 or more than 6 fields, control
 * characters) is reported to the caller and skipped.
 */
public final class Fstab {
    /**
     * @param line       1-based line number
     * @param spec       device, {@code UUID=...}, {@code LABEL=...}, {@code tmpfs}...
     * @param mountpoint canonical mountpoint ({@code none} and {@code swap} are kept as they are)
     * @param type       filesystem type
     * @param options    mount options, {@code defaults} when absent
     */
    public record Entry(int line, String spec, String mountpoint, String type, String options) {
    }

    private Fstab() {
    }

    /** @param malformed receives {@code line N: why} for each line skipped */
    public static List<Entry> parse(String text, Consumer<String> malformed) {
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Text.lines(text);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            if (hasControl(content)) {
                malformed.accept("line " + (i + 1) + ": not text");
                continue;
            }
            String[] fields = content.split("[ \t]+");
            if (fields.length < 3 || fields.length > 6) {
                malformed.accept("line " + (i + 1) + ": " + fields.length + " fields, expected 3 to 6");
                continue;
            }
            entries.add(new Entry(i + 1, unescape(fields[0]), canonicalPath(unescape(fields[1])), unescape(fields[2]),
                    fields.length > 3 ? unescape(fields[3]) : "defaults"));
        }
        return entries;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c == '\uFFFD') {
                return true;
            }
        }
        return false;
    }

    /** Replaces {@code \NNN} (three octal digits) by the byte it names, as getmntent does. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                b.append((char) (((s.charAt(i + 1) - '0') << 6) | ((s.charAt(i + 2) - '0') << 3) | (s.charAt(i + 3) - '0')));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }

    /** As libguestfs's unix_canonical_path: empty components dropped, a leading {@code /} kept. */
    static String canonicalPath(String path) {
        StringBuilder b = new StringBuilder();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                b.append(b.isEmpty() ? "" : "/").append(p);
            }
        }
        return path.startsWith("/") ? "/" + b : b.toString();
    }
}
