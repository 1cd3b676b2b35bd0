package io.jguest.inspection.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

/**
 * One evaluation of a {@link Plan}: the strata in order, each bottom-up to its fixpoint with
 * semi-naive iteration. Not thread-safe; used once.
 *
 * <p>Within a stratum, rows are added to relations at the end and never removed, so each relation's
 * rows split into ranges: {@code [0, deltaStart)} known before the last round, {@code [deltaStart,
 * deltaEnd)} new in the last round (the delta), and rows beyond {@code deltaEnd} being derived now.
 * A round evaluates, for each rule and each of its recursive atoms, the variant that reads the delta at
 * that atom, the older rows at the recursive atoms to its left and all known rows to its right: every
 * combination involving at least one new row is tried exactly once.
 */
final class Evaluator {
    private static final String[][] NO_ROWS = new String[0][];

    private final Plan plan;
    private final Relation[] relations;
    private final List<HashMap<List<String>, String[][]>> memo;
    private final int[] deltaStart;
    private final int[] deltaEnd;
    /** Per body position of the rule being evaluated: the row range its atom reads. */
    private final int[] from;
    private final int[] to;

    private Evaluator(Plan plan) {
        this.plan = plan;
        int n = plan.names().length;
        relations = new Relation[n];
        for (int i = 0; i < n; i++) {
            relations[i] = new Relation(plan.names()[i], plan.arities()[i]);
        }
        memo = new ArrayList<>(plan.builtins().length);
        for (int i = 0; i < plan.builtins().length; i++) {
            memo.add(new HashMap<>());
        }
        deltaStart = new int[n];
        deltaEnd = new int[n];
        from = new int[plan.maxBody()];
        to = new int[plan.maxBody()];
    }

    /** Evaluates {@code plan} over the input facts {@code facts} and returns every relation. */
    static Relation[] run(Plan plan, List<Fact> facts) {
        Evaluator e = new Evaluator(plan);
        e.load(facts);
        for (Rule[] stratum : plan.strata()) {
            e.stratum(stratum);
        }
        return e.relations;
    }

    private void load(List<Fact> facts) {
        for (Fact f : facts) {
            Integer id = plan.relations().get(f.predicate());
            if (id == null || !plan.input()[id]) {
                throw new IllegalArgumentException("not an input predicate of " + plan.file() + ": " + f.predicate());
            }
            if (f.args().size() != plan.arities()[id]) {
                throw new IllegalArgumentException("input predicate " + f.predicate() + " has "
                        + plan.arities()[id] + " arguments, not " + f.args().size() + ": " + f);
            }
            relations[id].add(f.args().toArray(new String[0]), Relation.Origin.INPUT);
        }
        for (Plan.ProgramFact f : plan.facts()) {
            relations[f.relation()].add(f.row(), new Relation.Origin(null, null, f.line()));
        }
    }

    private void stratum(Rule[] rules) {
        int[] heads = headsOf(rules);
        // Round 0: every rule once over every row known when it starts.
        for (int rel : heads) {
            deltaStart[rel] = 0;
            deltaEnd[rel] = relations[rel].size();
        }
        for (Rule r : rules) {
            Goal[] body = r.body;
            for (int i = 0; i < body.length; i++) {
                from[i] = 0;
                to[i] = body[i].kind == Goal.ATOM ? relations[body[i].target].size() : 0;
            }
            join(r, 0, new String[r.slots]);
        }
        boolean recursive = false;
        for (Rule r : rules) {
            recursive |= r.recursive.length > 0;
        }
        if (!recursive) {
            return;
        }
        boolean changed = advance(heads);
        while (changed) {
            for (Rule r : rules) {
                int[] rec = r.recursive;
                for (int v = 0; v < rec.length; v++) {
                    if (variant(r, v)) {
                        join(r, 0, new String[r.slots]);
                    }
                }
            }
            changed = advance(heads);
        }
    }

    /** Sets the ranges for the variant of {@code r} reading the delta at its {@code v}-th recursive atom. */
    private boolean variant(Rule r, int v) {
        int[] rec = r.recursive;
        Goal[] body = r.body;
        int deltaRel = body[rec[v]].target;
        if (deltaStart[deltaRel] == deltaEnd[deltaRel]) {
            return false;
        }
        for (int i = 0; i < body.length; i++) {
            from[i] = 0;
            to[i] = body[i].kind == Goal.ATOM ? relations[body[i].target].size() : 0;
        }
        for (int u = 0; u < rec.length; u++) {
            int rel = body[rec[u]].target;
            if (u < v) {
                to[rec[u]] = deltaStart[rel];
                if (deltaStart[rel] == 0) {
                    return false;
                }
            } else if (u == v) {
                from[rec[u]] = deltaStart[rel];
                to[rec[u]] = deltaEnd[rel];
            } else {
                to[rec[u]] = deltaEnd[rel];
            }
        }
        return true;
    }

    /** Moves every head relation's delta to the rows added since; whether any were. */
    private boolean advance(int[] heads) {
        boolean changed = false;
        for (int rel : heads) {
            deltaStart[rel] = deltaEnd[rel];
            deltaEnd[rel] = relations[rel].size();
            changed |= deltaStart[rel] != deltaEnd[rel];
        }
        return changed;
    }

    private static int[] headsOf(Rule[] rules) {
        int[] heads = new int[rules.length];
        int n = 0;
        for (Rule r : rules) {
            boolean seen = false;
            for (int k = 0; k < n && !seen; k++) {
                seen = heads[k] == r.head;
            }
            if (!seen) {
                heads[n++] = r.head;
            }
        }
        return Arrays.copyOf(heads, n);
    }

    /**
     * Tries body literals {@code i..} of {@code r} under {@code b}, adding the head for every match. Recursion
     * depth is the body's length, never the data's size.
     */
    private void join(Rule r, int i, String[] b) {
        Goal[] body = r.body;
        if (i == body.length) {
            String[] row = r.headRow(b);
            Relation head = relations[r.head];
            if (head.find(row) < 0) {
                head.add(row, new Relation.Origin(r, b.clone(), 0));
            }
            return;
        }
        Goal g = body[i];
        switch (g.kind) {
            case Goal.ATOM -> {
                Relation rel = relations[g.target];
                int lo = from[i];
                int hi = to[i];
                if (g.indexColumn >= 0) {
                    Relation.Rows rows = rel.lookup(g.indexColumn, g.known(g.indexColumn, b));
                    if (rows == null) {
                        return;
                    }
                    for (int k = lo == 0 ? 0 : rows.lowerBound(lo); k < rows.size(); k++) {
                        int t = rows.get(k);
                        if (t >= hi) {
                            break;
                        }
                        if (g.match(rel.row(t), b)) {
                            join(r, i + 1, b);
                        }
                    }
                } else {
                    for (int t = lo; t < hi; t++) {
                        if (g.match(rel.row(t), b)) {
                            join(r, i + 1, b);
                        }
                    }
                }
            }
            case Goal.NOT_ATOM -> {
                if (!exists(g, b)) {
                    join(r, i + 1, b);
                }
            }
            case Goal.BUILTIN -> {
                String[][] rows = call(g, b);
                for (String[] row : rows) {
                    if (g.match(row, b)) {
                        join(r, i + 1, b);
                    }
                }
            }
            case Goal.NOT_BUILTIN -> {
                String[][] rows = call(g, b);
                boolean any = false;
                for (int k = 0; k < rows.length && !any; k++) {
                    any = g.match(rows[k], b);
                }
                if (!any) {
                    join(r, i + 1, b);
                }
            }
            case Goal.EQ -> {
                if (g.mode[0] == Goal.FREE) {
                    b[g.slot[0]] = g.known(1, b);
                    join(r, i + 1, b);
                } else if (g.mode[1] == Goal.FREE) {
                    b[g.slot[1]] = g.known(0, b);
                    join(r, i + 1, b);
                } else if (g.known(0, b).equals(g.known(1, b))) {
                    join(r, i + 1, b);
                }
            }
            case Goal.NEQ -> {
                if (!g.known(0, b).equals(g.known(1, b))) {
                    join(r, i + 1, b);
                }
            }
            default -> throw new IllegalStateException("goal kind " + g.kind);
        }
    }

    /** Whether a row of a (complete, lower-stratum) relation matches the negated atom {@code g}. */
    private boolean exists(Goal g, String[] b) {
        Relation rel = relations[g.target];
        boolean ground = true;
        for (int m : g.mode) {
            ground &= m != Goal.WILD;
        }
        if (ground) {
            return rel.find(g.instantiate(b)) >= 0;
        }
        if (g.indexColumn >= 0) {
            Relation.Rows rows = rel.lookup(g.indexColumn, g.known(g.indexColumn, b));
            if (rows == null) {
                return false;
            }
            for (int k = 0; k < rows.size(); k++) {
                if (g.match(rel.row(rows.get(k)), b)) {
                    return true;
                }
            }
            return false;
        }
        return rel.size() > 0;
    }

    /**
     * The rows of built-in {@code g} for the arguments known under {@code b}, each call made once per
     * evaluation. Rows of the wrong length or with nulls are dropped here.
     */
    private String[][] call(Goal g, String[] b) {
        int n = g.mode.length;
        String[] args = new String[n];
        for (int j = 0; j < n; j++) {
            args[j] = g.known(j, b);
        }
        List<String> key = Arrays.asList(args);
        HashMap<List<String>, String[][]> calls = memo.get(g.target);
        String[][] rows = calls.get(key);
        if (rows != null) {
            return rows;
        }
        Builtin builtin = plan.builtins()[g.target];
        List<List<String>> result;
        try {
            result = builtin.call(Collections.unmodifiableList(Arrays.asList(args.clone())));
        } catch (RuntimeException e) {
            throw new IllegalStateException("built-in " + builtin.name() + " failed on " + Fact.format(g.predicate,
                    args) + ": " + e, e);
        }
        rows = NO_ROWS;
        if (result != null && !result.isEmpty()) {
            List<String[]> valid = new ArrayList<>(result.size());
            for (List<String> row : result) {
                if (row != null && row.size() == n) {
                    String[] values = row.toArray(new String[n]);
                    boolean complete = true;
                    for (String value : values) {
                        complete &= value != null;
                    }
                    if (complete) {
                        valid.add(values);
                    }
                }
            }
            rows = valid.toArray(NO_ROWS);
        }
        calls.put(key, rows);
        return rows;
    }
}
