package io.jguest.inspection.rules;

import static io.jguest.inspection.rules.RulesTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExplanationTest {
    private static final String FAMILY = """
            % family
            parent("ann", "bob"). parent("bob", "cid").
            older(X, Y) :- parent(X, Y).
            grandparent(X, Z) :-
                older(X, Y),          % the first step
                node(Y), parent(Y, Z), upper(Z, U),
                not adopted(Z), not upper(Z, "X"), U != "".
            adopted("zed").
            """;

    @Test
    void twoLevelDerivationRendersExactly() {
        Model m = run(FAMILY, List.of(Fact.of("node", "bob")), TestBuiltin.upper());
        Derivation d = m.explain(Fact.of("grandparent", "ann", "cid")).orElseThrow();
        assertEquals("""
                grandparent("ann", "cid")   <- rule at t.rules:4: grandparent(X, Z) :- older(X, Y), node(Y), \
                parent(Y, Z), upper(Z, U), not adopted(Z), not upper(Z, "X"), U != "".
                  older("ann", "bob")   <- rule at t.rules:3: older(X, Y) :- parent(X, Y).
                    parent("ann", "bob")   <- fact at t.rules:2
                  node("bob")   <- input
                  parent("bob", "cid")   <- fact at t.rules:2
                  upper("cid", "CID")   <- built-in
                  not adopted("cid")   <- absent
                  not upper("cid", "X")   <- absent
                """, d.render());
        assertEquals("grandparent(\"ann\", \"cid\")", d.fact());
        assertEquals(6, d.premises().size());
    }

    @Test
    void factsAndInputsExplainThemselves() {
        Model m = run(FAMILY, List.of(Fact.of("node", "bob")), TestBuiltin.upper());
        assertEquals(new Derivation("node(\"bob\")", "input", List.of()),
                m.explain(Fact.of("node", "bob")).orElseThrow());
        assertEquals(new Derivation("adopted(\"zed\")", "fact at t.rules:8", List.of()),
                m.explain(Fact.of("adopted", "zed")).orElseThrow());
        assertEquals(Optional.empty(), m.explain(Fact.of("grandparent", "bob", "ann")));
        assertEquals(Optional.empty(), m.explain(Fact.of("nosuch")));
    }

    @Test
    void disjunctionCitesTheOriginalRule() {
        Model m = run("""
                b("1"). c("2").
                a(X) :- b(X)
                      ; c(X), not b(X), not d(X, _).
                d("3", "4").
                """, List.of());
        assertEquals("""
                a("2")   <- rule at t.rules:2: a(X) :- b(X) ; c(X), not b(X), not d(X, _).
                  c("2")   <- fact at t.rules:1
                  not b("2")   <- absent
                  not d("2", _)   <- absent
                """, m.explain(Fact.of("a", "2")).orElseThrow().render());
        assertEquals("""
                a("1")   <- rule at t.rules:2: a(X) :- b(X) ; c(X), not b(X), not d(X, _).
                  b("1")   <- fact at t.rules:1
                """, m.explain(Fact.of("a", "1")).orElseThrow().render());
    }

    @Test
    void theFirstDerivationIsKept() {
        Model m = run("""
                b("1").
                a(X) :- b(X).
                a(X) :- c(X).
                c(X) :- b(X).
                """, List.of());
        assertEquals("rule at t.rules:2: a(X) :- b(X).", m.explain(Fact.of("a", "1")).orElseThrow().how());
    }

    @Test
    void aFactMetTwiceIsExplainedOnce() {
        Model m = run("""
                b(X) :- node(X).
                c(X) :- b(X).
                a(X) :- b(X), c(X).
                """, List.of(Fact.of("node", "n")));
        assertEquals("""
                a("n")   <- rule at t.rules:3: a(X) :- b(X), c(X).
                  b("n")   <- rule at t.rules:1: b(X) :- node(X).
                    node("n")   <- input
                  c("n")   <- rule at t.rules:2: c(X) :- b(X).
                    b("n")   <- rule at t.rules:1: b(X) :- node(X). [explained above]
                """, m.explain(Fact.of("a", "n")).orElseThrow().render());
    }

    @Test
    void recursiveExplanationsStayBounded() {
        // a diamond lattice: every level doubles the number of paths to the top
        StringBuilder rules = new StringBuilder("top(\"l0\").\nup(Y) :- top(Y).\nup(Y) :- up(X), edge(X, Y).\n");
        rules.append("both(Y) :- up(Y), edge(X, Y), edge(Z, Y), X != Z, up(X), up(Z).\n");
        List<Fact> input = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            input.add(Fact.of("edge", "l" + i, "a" + i));
            input.add(Fact.of("edge", "l" + i, "b" + i));
            input.add(Fact.of("edge", "a" + i, "l" + (i + 1)));
            input.add(Fact.of("edge", "b" + i, "l" + (i + 1)));
        }
        Model m = run(rules.toString(), input);
        String text = m.explain(Fact.of("both", "l60")).orElseThrow().render();
        long lines = text.lines().count();
        assertTrue(lines < 200, () -> lines + " lines:\n" + text);
        assertTrue(text.contains("[premises not shown: deeper than 30]"), text);
    }
}
