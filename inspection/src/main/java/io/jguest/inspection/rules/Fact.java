package io.jguest.inspection.rules;

import java.util.List;

/**
 * A ground atom: a predicate and its string arguments. {@link #toString()} prints it in the rule
 * language's syntax, e.g. {@code distro("/dev/sda2", "debian")}.
 */
public record Fact(String predicate, List<String> args) {
    public Fact {
        args = List.copyOf(args);
    }

    public static Fact of(String predicate, String... args) {
        return new Fact(predicate, List.of(args));
    }

    @Override
    public String toString() {
        return format(predicate, args.toArray(new String[0]));
    }

    /** {@code predicate(args)} in the rule language's syntax; a null argument prints as {@code _}. */
    static String format(String predicate, String[] args) {
        StringBuilder b = new StringBuilder(predicate).append('(');
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            String a = args[i];
            if (a == null) {
                b.append('_');
                continue;
            }
            b.append('"');
            for (int j = 0; j < a.length(); j++) {
                char c = a.charAt(j);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    default -> b.append(c);
                }
            }
            b.append('"');
        }
        return b.append(')').toString();
    }
}
