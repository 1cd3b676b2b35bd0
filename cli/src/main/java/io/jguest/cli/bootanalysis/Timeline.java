package io.jguest.cli.bootanalysis;

import io.jguest.cli.bench.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mean pass: every activity with its mean start, mean duration and standard deviation over the
 * passes it appeared in, and its share of the whole run, in timeline order (a tree: each activity
 * right after its parent, siblings by mean start).
 *
 * @param rows           the activities in timeline order; the first is the root
 * @param passes         how many passes were analysed
 * @param notes          what was left out and why, each once
 * @param detailsDropped initcalls and probes left out for being {@value #DETAIL_MIN_MS} ms or shorter
 */
public record Timeline(List<Row> rows, int passes, List<String> notes, int detailsDropped) {
    /** Initcalls and probes this short on average are left out. */
    public static final double DETAIL_MIN_MS = 1.0;

    public Timeline {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    /**
     * One activity of the mean pass.
     *
     * @param name     its name
     * @param parent   its parent's name (null for the root)
     * @param depth    0 for the root, 1 for its steps...
     * @param start    start, ms since qemu started
     * @param duration duration, ms
     * @param percent  mean duration as a percentage of the root's
     * @param passes   in how many passes it was found
     */
    public record Row(String name, String parent, int depth, Stats start, Stats duration, double percent, int passes) {
        public double meanEndMs() {
            return start.meanMs() + duration.meanMs();
        }
    }

    /** The root: the whole run. */
    public Row whole() {
        return rows.getFirst();
    }

    /** The {@code n} longest activities but the root, longest first. */
    public List<Row> longest(int n) {
        return rows.stream().skip(1).sorted(Comparator.comparingDouble((Row r) -> -r.duration().meanMs())).limit(n)
                .toList();
    }

    /**
     * The mean of these passes.
     *
     * @throws IllegalArgumentException with no pass, or when the passes have no common root
     */
    public static Timeline of(List<PassTimeline> passes) {
        if (passes.isEmpty()) {
            throw new IllegalArgumentException("no pass to analyse");
        }
        Map<String, List<Activity>> byName = new LinkedHashMap<>();
        Map<String, Integer> noteCounts = new LinkedHashMap<>();
        for (PassTimeline p : passes) {
            p.activities().forEach(a -> byName.computeIfAbsent(a.name(), n -> new ArrayList<>()).add(a));
            p.notes().stream().distinct().forEach(n -> noteCounts.merge(n, 1, Integer::sum));
        }
        Map<String, Row> kept = new LinkedHashMap<>();
        Map<String, String> parents = new HashMap<>();
        int dropped = 0;
        String root = null;
        for (Map.Entry<String, List<Activity>> e : byName.entrySet()) {
            List<Activity> all = e.getValue();
            Activity first = all.getFirst();
            parents.put(e.getKey(), first.parent());
            Stats duration = stats(all.stream().map(Activity::durationMs).toList());
            if (first.detail() && duration.meanMs() <= DETAIL_MIN_MS) {
                dropped++;
                continue;
            }
            if (first.parent() == null) {
                if (root != null) {
                    throw new IllegalArgumentException("two roots: " + root + " and " + first.name());
                }
                root = first.name();
            }
            kept.put(e.getKey(), new Row(e.getKey(), first.parent(), 0, stats(all.stream().map(Activity::startMs).toList()),
                    duration, 0, all.size()));
        }
        if (root == null) {
            throw new IllegalArgumentException("the passes have no root activity");
        }
        double whole = kept.get(root).duration().meanMs();
        Map<String, List<Row>> children = new HashMap<>();
        for (Row r : kept.values()) {
            if (r.name().equals(root)) {
                continue;
            }
            String p = r.parent();
            while (p != null && !kept.containsKey(p)) {
                p = parents.get(p); // a dropped initcall's probe hangs from the initcall's parent
            }
            children.computeIfAbsent(p == null ? root : p, x -> new ArrayList<>()).add(r);
        }
        List<Row> ordered = new ArrayList<>();
        walk(kept.get(root), null, 0, whole, children, ordered);
        List<String> notes = new ArrayList<>();
        noteCounts.forEach((n, c) -> notes.add(c == passes.size() ? n : n + " (" + c + " of " + passes.size() + " passes)"));
        return new Timeline(ordered, passes.size(), notes, dropped);
    }

    private static void walk(Row r, String parent, int depth, double whole, Map<String, List<Row>> children,
                             List<Row> out) {
        out.add(new Row(r.name(), parent, depth, r.start(), r.duration(),
                whole > 0 ? 100 * r.duration().meanMs() / whole : 0, r.passes()));
        List<Row> kids = new ArrayList<>(children.getOrDefault(r.name(), List.of()));
        kids.sort(Comparator.comparingDouble(k -> k.start().meanMs())); // stable: ties keep the order found
        for (Row k : kids) {
            walk(k, r.name(), depth + 1, whole, children, out);
        }
    }

    private static Stats stats(List<Double> ms) {
        return Stats.of(ms.stream().map(v -> Duration.ofNanos(Math.round(v * 1e6))).toList());
    }
}
