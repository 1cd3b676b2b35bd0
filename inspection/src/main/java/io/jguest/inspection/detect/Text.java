package io.jguest.inspection.detect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Small text helpers shared by the parsers: decoding, lines, versions, shell quoting. */
public final class Text {
    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)");
    private static final Pattern MAJOR = Pattern.compile("(\\d+)");

    private Text() {
    }

    /** UTF-8, malformed bytes replaced. */
    public static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Splits at {@code \n} as libguestfs does: a trailing newline gives a last empty line. */
    public static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i));
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** The first line (empty for an empty text). */
    public static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /**
     * The version in a string as libguestfs's {@code parse_version_from_major_minor} finds it: the
     * first {@code N.M} anywhere, else the first {@code N} (minor 0). Numbers are returned in plain
     * decimal; one too large for an int is no version.
     *
     * @return {major, minor}, or empty
     */
    public static Optional<String[]> version(String s) {
        Matcher m = MAJOR_MINOR.matcher(s);
        if (m.find()) {
            Optional<String> major = number(m.group(1));
            Optional<String> minor = number(m.group(2));
            return major.isPresent() && minor.isPresent()
                    ? Optional.of(new String[] {major.get(), minor.get()}) : Optional.empty();
        }
        m = MAJOR.matcher(s);
        if (m.find()) {
            return number(m.group(1)).map(major -> new String[] {major, "0"});
        }
        return Optional.empty();
    }

    /** A decimal number normalised ({@code "08"} → {@code "8"}), empty when it is not one or overflows an int. */
    public static Optional<String> number(String digits) {
        try {
            int n = Integer.parseInt(digits);
            return n < 0 ? Optional.empty() : Optional.of(Integer.toString(n));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Strips one pair of matching surrounding quotes ({@code "x"} or {@code 'x'}), as libguestfs's simple_unquote. */
    public static String simpleUnquote(String s) {
        int n = s.length();
        if (n >= 2 && ((s.charAt(0) == '"' && s.charAt(n - 1) == '"') || (s.charAt(0) == '\'' && s.charAt(n - 1) == '\''))) {
            return s.substring(1, n - 1);
        }
        return s;
    }

    /**
     * One shell word unquoted: {@code '...'} literal, {@code "..."} with {@code \" \\ \$ \`} and
     * backslash-newline escapes, and outside quotes a backslash escapes the next character; quoted
     * and unquoted parts may follow each other ({@code "a"'b'c}). An unterminated quote runs to the end.
     */
    public static String shellUnquote(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    end = n;
                }
                b.append(s, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (i < n && s.charAt(i) != '"') {
                    char d = s.charAt(i);
                    if (d == '\\' && i + 1 < n && "\"\\$`\n".indexOf(s.charAt(i + 1)) >= 0) {
                        if (s.charAt(i + 1) != '\n') {
                            b.append(s.charAt(i + 1));
                        }
                        i += 2;
                    } else {
                        b.append(d);
                        i++;
                    }
                }
                i++;
            } else if (c == '\\' && i + 1 < n) {
                b.append(s.charAt(i + 1));
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
