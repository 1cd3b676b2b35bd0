package io.jguest.cli.bootanalysis;

import java.util.List;
import java.util.Locale;

/**
 * The terminal rendering of a {@link Timeline}, after libguestfs's boot-analysis: the activities in
 * timeline order, each indented under its parent, with its mean start, mean duration ± standard
 * deviation and share of the whole run; then the longest activities; then the notes. Plain text,
 * columns aligned, no colours.
 */
final class TimelinePrinter {
    private TimelinePrinter() {
    }

    static String render(Timeline t, int longest) {
        StringBuilder sb = new StringBuilder();
        sb.append("Timeline of the mean pass (").append(t.passes()).append(t.passes() == 1 ? " pass" : " passes")
                .append("; start in ms since qemu started; duration mean ±sd; % of the whole run)\n\n");
        int nameWidth = "activity".length();
        int durationWidth = 0;
        for (Timeline.Row r : t.rows()) {
            nameWidth = Math.max(nameWidth, 2 * r.depth() + r.name().length());
            durationWidth = Math.max(durationWidth, r.duration().format().length());
        }
        String rowFormat = "%10s  %-" + nameWidth + "s  %" + durationWidth + "s  %6s%s%n";
        sb.append(String.format(Locale.ROOT, rowFormat, "start", "activity", "duration", "%", ""));
        for (Timeline.Row r : t.rows()) {
            sb.append(String.format(Locale.ROOT, rowFormat, ms(r.start().meanMs()), "  ".repeat(r.depth()) + r.name(),
                    r.duration().format(), percent(r.percent()), presence(r, t.passes())));
        }
        List<Timeline.Row> top = t.longest(longest);
        if (!top.isEmpty()) {
            sb.append("\nLongest activities:\n\n");
            int w = top.stream().mapToInt(r -> r.name().length()).max().orElse(0);
            String topFormat = "%4d.  %-" + w + "s  %" + durationWidth + "s  %6s%n";
            for (int i = 0; i < top.size(); i++) {
                Timeline.Row r = top.get(i);
                sb.append(String.format(Locale.ROOT, topFormat, i + 1, r.name(), r.duration().format(),
                        percent(r.percent())));
            }
        }
        if (!t.notes().isEmpty() || t.detailsDropped() > 0) {
            sb.append("\nNotes:\n");
            if (t.detailsDropped() > 0) {
                sb.append(String.format(Locale.ROOT, "  - %d initcalls and probes of %.0f ms or less on average are not shown%n",
                        t.detailsDropped(), Timeline.DETAIL_MIN_MS));
            }
            t.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        return sb.toString();
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1fms", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v);
    }

    private static String presence(Timeline.Row r, int passes) {
        return r.passes() == passes ? "" : "  (" + r.passes() + " of " + passes + " passes)";
    }
}
