package io.jguest.cli.inspect;

import io.jguest.api.Explanation;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code guest-inspect --explain}: after the document, one block per root with each conclusion about
 * it, as its derivation (the rules engine's rendering, whose first line is the conclusion), then the
 * conclusions that name no root, if any:
 *
 * <pre>
 *
 * Explanations for /dev/sda2:
 *   distro("/dev/sda2", "debian")   &lt;- rule at inspection.rules:40: ...
 *     os_release_id("/dev/sda2", "debian")   &lt;- built-in
 * </pre>
 *
 * A conclusion belongs to the root its first argument names ({@code pred("ROOT", ...)}: every
 * per-root conclusion of the rules has the root first).
 */
final class ExplanationPrinter {
    private ExplanationPrinter() {
    }

    /** The block, starting with an empty line; empty when there is nothing to explain. */
    static String render(InspectionReport report) {
        if (report.explanations().isEmpty()) {
            return "";
        }
        Map<String, List<Explanation>> byRoot = new LinkedHashMap<>();
        report.roots().stream().map(InspectedOs::root).forEach(r -> byRoot.put(r, new ArrayList<>()));
        List<Explanation> other = new ArrayList<>();
        for (Explanation e : report.explanations()) {
            List<Explanation> group = byRoot.get(firstArgument(e.conclusion()));
            (group != null ? group : other).add(e);
        }
        StringBuilder b = new StringBuilder();
        byRoot.forEach((root, list) -> block(b, "Explanations for " + root + ":", list));
        block(b, byRoot.isEmpty() ? "Explanations:" : "Other explanations:", other);
        return b.toString();
    }

    private static void block(StringBuilder b, String title, List<Explanation> list) {
        if (list.isEmpty()) {
            return;
        }
        b.append('\n').append(title).append('\n');
        for (Explanation e : list) {
            // the derivation's first line is the conclusion itself
            e.text().lines().forEach(l -> b.append("  ").append(l).append('\n'));
        }
    }

    /**
     * The first argument of {@code pred("a\"b", ...)} without its quotes and escapes ({@code a"b}), or
     * null when the conclusion does not start that way.
     */
    static String firstArgument(String conclusion) {
        int open = conclusion.indexOf('(');
        if (open < 0 || open + 1 >= conclusion.length() || conclusion.charAt(open + 1) != '"') {
            return null;
        }
        StringBuilder arg = new StringBuilder();
        for (int i = open + 2; i < conclusion.length(); i++) {
            char c = conclusion.charAt(i);
            if (c == '"') {
                return arg.toString();
            }
            if (c == '\\' && i + 1 < conclusion.length()) {
                c = conclusion.charAt(++i);
                c = switch (c) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> c;
                };
            }
            arg.append(c);
        }
        return null;
    }
}
