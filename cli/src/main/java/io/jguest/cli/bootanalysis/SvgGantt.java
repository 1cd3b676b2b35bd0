package io.jguest.cli.bootanalysis;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Timeline} as an SVG Gantt chart: one row per activity in timeline order, its name (indented
 * under its parent) on the left, a bar from its mean start to its mean end on a common time axis in
 * milliseconds since qemu started, and its mean duration ± sd and share of the run after the bar. Bars
 * take the colour of their top-level activity; hovering one shows its numbers. Hand-written SVG 1.1,
 * no scripts, readable by any browser.
 */
final class SvgGantt {
    static final int ROW_HEIGHT = 18;
    static final int BAR_HEIGHT = 12;
    static final int CHART_WIDTH = 1000;
    static final int TOP = 80;
    private static final int CHAR_WIDTH = 7;
    private static final int INDENT = 14;
    private static final int RIGHT_MARGIN = 200;
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    /** Where the chart's time axis starts and ends, and how it maps times to x. */
    record Axis(double fromMs, double toMs, double stepMs, double x0) {
        double x(double ms) {
            return x0 + (ms - fromMs) / (toMs - fromMs) * CHART_WIDTH;
        }
    }

    private SvgGantt() {
    }

    /**
     * The axis for these rows: from the earliest start (0 at the latest) to the latest end rounded up to
     * a tick; ticks every 1, 2 or 5 × 10^k ms, about ten of them.
     */
    static Axis axis(Timeline t) {
        double lo = 0;
        double hi = 0;
        int label = 0;
        for (Timeline.Row r : t.rows()) {
            lo = Math.min(lo, r.start().meanMs());
            hi = Math.max(hi, r.meanEndMs());
            label = Math.max(label, r.depth() * INDENT + r.name().length() * CHAR_WIDTH);
        }
        double step = niceStep((hi - lo) / 10);
        double to = Math.max(lo + step, Math.ceil(hi / step) * step);
        return new Axis(lo, to, step, 20 + label + 20);
    }

    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String render(Timeline t, String title) {
        Axis axis = axis(t);
        List<Timeline.Row> rows = t.rows();
        int width = (int) Math.ceil(axis.x0() + CHART_WIDTH + RIGHT_MARGIN);
        int bottom = TOP + rows.size() * ROW_HEIGHT;
        int height = bottom + 40;
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\""
                + " height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, height, width, height));
        sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"26\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        Timeline.Row whole = t.whole();
        sb.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"46\">%s</text>%n", escape(String.format(Locale.ROOT,
                "mean of %d %s; %s %s; bars from mean start to mean end, ms since qemu started", t.passes(),
                t.passes() == 1 ? "pass" : "passes", whole.name(), whole.duration().format()))));
        for (int i = 1; i < rows.size(); i += 2) {
            sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>%n",
                    TOP + i * ROW_HEIGHT, width, ROW_HEIGHT));
        }
        ticks(sb, axis, bottom);
        Map<String, String> colours = new HashMap<>();
        int next = 0;
        for (int i = 0; i < rows.size(); i++) {
            Timeline.Row r = rows.get(i);
            String colour;
            if (r.depth() == 0) {
                colour = "#888888";
            } else if (r.depth() == 1) {
                colour = PALETTE[next++ % PALETTE.length];
            } else {
                colour = colours.getOrDefault(r.parent(), "#888888");
            }
            colours.put(r.name(), colour);
            int y = TOP + i * ROW_HEIGHT;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", 20 + r.depth() * INDENT,
                    y + 13, escape(r.name())));
            double x = axis.x(r.start().meanMs());
            double w = Math.max(0.5, axis.x(r.meanEndMs()) - x);
            String numbers = String.format(Locale.ROOT, "%s (%.1f%%)", r.duration().format(), r.percent());
            sb.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
                    + " fill=\"%s\"><title>%s</title></rect>%n", x, y + (ROW_HEIGHT - BAR_HEIGHT) / 2, w, BAR_HEIGHT,
                    colour, escape(String.format(Locale.ROOT, "%s: start %.1fms, %s", r.name(), r.start().meanMs(),
                            numbers))));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#333333\">%s</text>%n", x + w + 4,
                    y + 13, escape(numbers)));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void ticks(StringBuilder sb, Axis axis, int bottom) {
        long first = (long) Math.ceil(axis.fromMs() / axis.stepMs());
        long last = (long) Math.floor(axis.toMs() / axis.stepMs());
        for (long i = first; i <= last; i++) {
            double ms = i * axis.stepMs();
            double x = axis.x(ms);
            String label = String.format(Locale.ROOT, "%.0fms", ms);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#cccccc\"/>%n",
                    x, TOP - 6, x, bottom + 4));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">%s</text>%n",
                    x, TOP - 10, label));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555555\">%s</text>%n",
                    x, bottom + 18, label));
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c < 0x20 && c != '\t' ? '?' : c);
            }
        }
        return sb.toString();
    }
}
