package io.jguest.inspection.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** The {@link Model} of one evaluation: its relations, read-only from now on. */
final class EvaluatedModel implements Model {
    /** Explanations stop expanding premises this many levels below the explained fact. */
    static final int MAX_DEPTH = 30;

    private final Plan plan;
    private final Relation[] relations;

    EvaluatedModel(Plan plan, Relation[] relations) {
        this.plan = plan;
        this.relations = relations;
    }

    @Override
    public List<Fact> facts(String predicate) {
        Integer id = plan.relations().get(predicate);
        if (id == null) {
            if (plan.builtinIds().containsKey(predicate)) {
                return List.of();
            }
            throw new IllegalArgumentException("unknown predicate " + predicate + " in " + plan.file());
        }
        Relation r = relations[id];
        List<Fact> out = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.add(new Fact(predicate, List.of(r.row(i))));
        }
        return List.copyOf(out);
    }

    @Override
    public boolean holds(Fact fact) {
        return find(fact) >= 0;
    }

    @Override
    public Optional<Derivation> explain(Fact fact) {
        int n = find(fact);
        if (n < 0) {
            return Optional.empty();
        }
        return Optional.of(new Explainer().derivation(plan.relations().get(fact.predicate()), n, 0));
    }

    private int find(Fact fact) {
        Integer id = plan.relations().get(fact.predicate());
        if (id == null || fact.args().size() != plan.arities()[id]) {
            return -1;
        }
        return relations[id].find(fact.args().toArray(new String[0]));
    }

    /**
     * Builds one explanation. A derived fact met again after it was explained in the same tree is not
     * expanded again, and nothing is expanded deeper than {@link #MAX_DEPTH}: the tree stays as small as
     * the facts it mentions. Premises were derived strictly before their conclusion, so this terminates.
     */
    private final class Explainer {
        private final HashSet<Long> expanded = new HashSet<>();

        Derivation derivation(int rel, int n, int depth) {
            Relation r = relations[rel];
            Relation.Origin origin = r.origin(n);
            String text = Fact.format(r.name, r.row(n));
            Rule rule = origin.rule();
            if (rule == null) {
                return new Derivation(text, origin.line() == 0 ? "input" : "fact at " + plan.file() + ":"
                        + origin.line(), List.of());
            }
            long key = ((long) rel << 32) | n;
            if (expanded.contains(key)) {
                return new Derivation(text, rule.how + " [explained above]", List.of());
            }
            if (depth >= MAX_DEPTH) {
                return new Derivation(text, rule.how + " [premises not shown: deeper than " + MAX_DEPTH + "]",
                        List.of());
            }
            expanded.add(key);
            String[] b = origin.bindings();
            List<Derivation> premises = new ArrayList<>(rule.body.length);
            for (Goal g : rule.body) {
                switch (g.kind) {
                    case Goal.ATOM -> {
                        int m = relations[g.target].find(g.instantiate(b));
                        premises.add(derivation(g.target, m, depth + 1));
                    }
                    case Goal.BUILTIN -> premises.add(new Derivation(Fact.format(g.predicate, g.instantiate(b)),
                            "built-in", List.of()));
                    case Goal.NOT_ATOM, Goal.NOT_BUILTIN -> premises.add(new Derivation(
                            "not " + Fact.format(g.predicate, g.instantiate(b)), "absent", List.of()));
                    default -> {
                        // comparisons are not premises
                    }
                }
            }
            return new Derivation(text, rule.how, premises);
        }
    }
}
