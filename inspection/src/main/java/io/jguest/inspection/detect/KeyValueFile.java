package io.jguest.inspection.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code KEY=value} files: {@code /etc/os-release}, {@code /etc/lsb-release},
 * {@code /etc/sysconfig/network}. As libguestfs's {@code parse_key_value_strings}: empty lines and
 * lines starting with {@code #} are skipped, the key is everything before the first {@code =} (not
 * trimmed), a line without {@code =} carries nothing, and a later line for the same key wins.
 */
public final class KeyValueFile {
    private KeyValueFile() {
    }

    /** os-release and sysconfig files: values are shell words ({@link Text#shellUnquote}). */
    public static Map<String, String> parseShell(String text) {
        return parse(text, Text::shellUnquote);
    }

    /** lsb-release: only surrounding quotes are removed ({@link Text#simpleUnquote}), as libguestfs does. */
    public static Map<String, String> parseSimple(String text) {
        return parse(text, Text::simpleUnquote);
    }

    private static Map<String, String> parse(String text, UnaryOperator<String> unquote) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Text.lines(text)) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq);
            values.remove(key);
            values.put(key, unquote.apply(line.substring(eq + 1)));
        }
        return values;
    }
}
