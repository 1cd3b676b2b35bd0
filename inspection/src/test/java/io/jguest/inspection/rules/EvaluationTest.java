package io.jguest.inspection.rules;

import static io.jguest.inspection.rules.RulesTesting.compile;
import static io.jguest.inspection.rules.RulesTesting.facts;
import static io.jguest.inspection.rules.RulesTesting.run;
import static io.jguest.inspection.rules.RulesTesting.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    private static final List<Fact> NONE = List.of();

    @Test
    void stratifiedNegationDoesNotDependOnRuleOrder() {
        String[] orders = {
                "a(X) :- b(X), not c(X).\nc(X) :- d(X).\n",
                "c(X) :- d(X).\na(X) :- b(X), not c(X).\n",
        };
        List<Fact> input = List.of(Fact.of("node", "1"), Fact.of("node", "2"), Fact.of("node", "3"));
        for (String rules : orders) {
            String text = rules + "b(X) :- node(X).\nd(\"2\").\n";
            Model m = run(text, input);
            assertEquals(facts("a", "1", "3"), set(m, "a"), rules);
            assertEquals(facts("c", "2"), set(m, "c"), rules);
        }
    }

    @Test
    void negationOverSeveralStrata() {
        String text = """
                reachable(X) :- root(X).
                reachable(Y) :- reachable(X), edge(X, Y).
                unreachable(X) :- node(X), not reachable(X).
                orphan_edge(X, Y) :- edge(X, Y), unreachable(X), not unreachable(Y).
                clean :- node(_), not orphan_edge(_, _).
                root("r").
                """;
        List<Fact> input = List.of(Fact.of("node", "r"), Fact.of("node", "a"), Fact.of("node", "x"),
                Fact.of("edge", "r", "a"), Fact.of("edge", "x", "a"));
        Model m = run(text, input);
        assertEquals(facts("reachable", "r", "a"), set(m, "reachable"));
        assertEquals(facts("unreachable", "x"), set(m, "unreachable"));
        assertEquals(Set.of(Fact.of("orphan_edge", "x", "a")), set(m, "orphan_edge"));
        assertEquals(Set.of(), set(m, "clean"));
    }

    @Test
    void transitiveClosureThreeWays() {
        int n = 150;
        List<Fact> chain = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chain.add(Fact.of("edge", "n" + i, "n" + (i + 1)));
        }
        chain.add(Fact.of("edge", "n" + n, "n0")); // a cycle: every node reaches every node
        String[] programs = {
                "path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), edge(Y, Z).",
                "path(X, Y) :- edge(X, Y).\npath(X, Z) :- edge(X, Y), path(Y, Z).",
                "path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), path(Y, Z).",
        };
        for (String p : programs) {
            Model m = run(p, chain);
            assertEquals((n + 1) * (n + 1), m.facts("path").size(), p);
            assertTrue(m.holds(Fact.of("path", "n5", "n4")), p);
            assertTrue(m.holds(Fact.of("path", "n7", "n7")), p);
        }
    }

    @Test
    void transitiveClosureMatchesAGraphSearchOnRandomGraphs() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            int n = 5 + random.nextInt(40);
            boolean[][] edge = new boolean[n][n];
            List<Fact> input = new ArrayList<>();
            for (int k = random.nextInt(2 * n); k > 0; k--) {
                int x = random.nextInt(n);
                int y = random.nextInt(n);
                edge[x][y] = true;
                input.add(Fact.of("edge", "v" + x, "v" + y));
            }
            Set<Fact> expected = new HashSet<>();
            for (int x = 0; x < n; x++) {
                boolean[] seen = new boolean[n];
                List<Integer> todo = new ArrayList<>(List.of(x));
                while (!todo.isEmpty()) {
                    int v = todo.removeLast();
                    for (int w = 0; w < n; w++) {
                        if (edge[v][w] && !seen[w]) {
                            seen[w] = true;
                            todo.add(w);
                            expected.add(Fact.of("path", "v" + x, "v" + w));
                        }
                    }
                }
            }
            Model m = run("path(X, Y) :- edge(X, Y).\npath(X, Z) :- path(X, Y), path(Y, Z).", input);
            assertEquals(expected, set(m, "path"), "round " + round);
        }
    }

    @Test
    void ancestorsOverThousandsOfFacts() {
        // a binary tree of 4095 nodes: node i's parent is (i - 1) / 2
        int nodes = 4095;
        List<Fact> input = new ArrayList<>();
        int expected = 0;
        for (int i = 1; i < nodes; i++) {
            input.add(Fact.of("edge", "p" + ((i - 1) / 2), "p" + i));
            expected += 31 - Integer.numberOfLeadingZeros(i + 1); // depth of i = its number of ancestors
        }
        Model m = run("anc(X, Y) :- edge(X, Y).\nanc(X, Z) :- anc(X, Y), edge(Y, Z).", input);
        assertEquals(expected, m.facts("anc").size());
        assertTrue(m.holds(Fact.of("anc", "p0", "p4094")));
        assertFalse(m.holds(Fact.of("anc", "p1", "p2")));
    }

    @Test
    void longLinearRecursionDoesNotUseTheJavaStack() {
        int n = 5000;
        List<Fact> input = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            input.add(Fact.of("edge", "v" + i, "v" + (i + 1)));
        }
        input.add(Fact.of("node", "v0"));
        Model m = run("reach(X) :- node(X).\nreach(Y) :- reach(X), edge(X, Y).", input);
        assertEquals(n + 1, m.facts("reach").size());
        assertEquals(Fact.of("reach", "v" + n), m.facts("reach").get(n)); // derivation order: along the chain
        Derivation d = m.explain(Fact.of("reach", "v" + n)).orElseThrow();
        int depth = 0;
        while (!d.premises().isEmpty()) {
            d = d.premises().get(0);
            depth++;
        }
        assertEquals(EvaluatedModel.MAX_DEPTH, depth);
        assertTrue(d.how().endsWith("[premises not shown: deeper than 30]"), d.how());
    }

    @Test
    void sameGeneration() {
        // a complete binary tree of depth 4: two nodes are of the same generation iff they have the same depth
        List<Fact> input = new ArrayList<>();
        int nodes = 31;
        for (int i = 0; i < nodes; i++) {
            input.add(Fact.of("node", "t" + i));
            if (i > 0) {
                input.add(Fact.of("edge", "t" + ((i - 1) / 2), "t" + i));
            }
        }
        Model m = run("""
                sg(X, X) :- node(X).
                sg(X, Y) :- edge(XP, X), sg(XP, YP), edge(YP, Y).
                """, input);
        Set<Fact> expected = new HashSet<>();
        for (int i = 0; i < nodes; i++) {
            for (int j = 0; j < nodes; j++) {
                if (Integer.numberOfLeadingZeros(i + 1) == Integer.numberOfLeadingZeros(j + 1)) {
                    expected.add(Fact.of("sg", "t" + i, "t" + j));
                }
            }
        }
        assertEquals(341, expected.size());
        assertEquals(expected, set(m, "sg"));
    }

    @Test
    void mutualRecursion() {
        List<Fact> input = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            input.add(Fact.of("edge", "" + i, "" + (i + 1)));
        }
        Model m = run("""
                even("0").
                even(Y) :- odd(X), edge(X, Y).
                odd(Y) :- even(X), edge(X, Y).
                """, input);
        assertEquals(facts("even", "0", "2", "4", "6", "8", "10"), set(m, "even"));
        assertEquals(facts("odd", "1", "3", "5", "7", "9"), set(m, "odd"));
    }

    @Test
    void disjunction() {
        String text = """
                b("1"). b("2"). b("3"). b("4").
                c("1"). d("2"). d("3"). e("3").
                a(X) :- b(X), (c(X) ; d(X)), not e(X).
                f(X, Why) :- b(X), (c(X), Why = "c" ; d(X), Why = "d" ; not c(X), not d(X), Why = "none").
                """;
        Model m = run(text, NONE);
        assertEquals(facts("a", "1", "2"), set(m, "a"));
        assertEquals(Set.of(Fact.of("f", "1", "c"), Fact.of("f", "2", "d"), Fact.of("f", "3", "d"),
                Fact.of("f", "4", "none")), set(m, "f"));
    }

    @Test
    void comparisons() {
        String text = """
                b("x", "x"). b("x", "y"). b("z", "y").
                same(X) :- b(X, Y), X = Y.
                differ(X, Y) :- b(X, Y), X != Y.
                not_x(Y) :- b(X, Y), X != "x".
                bind(X, Z, W) :- b(X, Y), Z = Y, "k" = W.
                const_true :- "a" = "a".
                const_false :- "a" = "b".
                neq_const :- "a" != "b".
                """;
        Model m = run(text, NONE);
        assertEquals(facts("same", "x"), set(m, "same"));
        assertEquals(Set.of(Fact.of("differ", "x", "y"), Fact.of("differ", "z", "y")), set(m, "differ"));
        assertEquals(facts("not_x", "y"), set(m, "not_x"));
        assertEquals(Set.of(Fact.of("bind", "x", "x", "k"), Fact.of("bind", "x", "y", "k"),
                Fact.of("bind", "z", "y", "k")), set(m, "bind"));
        assertTrue(m.holds(Fact.of("const_true")));
        assertFalse(m.holds(Fact.of("const_false")));
        assertTrue(m.holds(Fact.of("neq_const")));
    }

    @Test
    void builtinsAreCalledWithTheirBindingsAndMemoised() {
        TestBuiltin upper = TestBuiltin.upper();
        String text = """
                big(X, U) :- mounted(X), upper(X, U).
                again(U) :- mounted(X), upper(X, U), upper(U, U).
                known(X) :- mounted(X), upper(X, "B").
                """;
        Program p = compile(text, upper);
        Model m = p.evaluate(List.of(Fact.of("mounted", "a"), Fact.of("mounted", "b"), Fact.of("mounted", "C")));
        assertEquals(Set.of(Fact.of("big", "a", "A"), Fact.of("big", "b", "B"), Fact.of("big", "C", "C")),
                set(m, "big"));
        assertEquals(facts("again", "A", "B", "C"), set(m, "again"));
        assertEquals(facts("known", "b"), set(m, "known"));
        assertEquals(List.of(), m.facts("upper"));
        // one call per distinct argument list over the whole evaluation; unbound positions are null
        Set<List<String>> distinct = new HashSet<>(upper.calls);
        assertEquals(distinct.size(), upper.calls.size(), upper.calls.toString());
        assertEquals(Set.of(Arrays.asList("a", null), Arrays.asList("b", null), Arrays.asList("C", null),
                List.of("A", "A"), List.of("B", "B"), List.of("C", "C"), List.of("a", "B"), List.of("b", "B"),
                List.of("C", "B")), distinct);
        // memoised per evaluation, not across evaluations
        p.evaluate(List.of(Fact.of("mounted", "a")));
        assertEquals(distinct.size() + 3, upper.calls.size());
    }

    @Test
    void negatedBuiltin() {
        TestBuiltin exists = TestBuiltin.exists();
        Model m = run("""
                missing(P) :- mounted(P), not exists(P).
                present(P) :- mounted(P), exists(P).
                """, List.of(Fact.of("mounted", "/etc/fstab"), Fact.of("mounted", "/bin/sh")), exists);
        assertEquals(facts("missing", "/bin/sh"), set(m, "missing"));
        assertEquals(facts("present", "/etc/fstab"), set(m, "present"));
        assertEquals(2, exists.calls.size());
    }

    @Test
    void builtinRowsThatContradictTheirArgumentsAreDropped() {
        // returns a row that does not repeat the bound argument, one of the wrong length, one with a null
        TestBuiltin liar = new TestBuiltin("liar", 2, new boolean[] {true, false}, a -> {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("other", "1"));
            rows.add(List.of(a.get(0)));
            rows.add(Arrays.asList(a.get(0), null));
            rows.add(List.of(a.get(0), "ok"));
            return rows;
        });
        TestBuiltin split = new TestBuiltin("split", 3, new boolean[] {true, false, false}, a -> {
            String s = a.get(0);
            List<List<String>> rows = new ArrayList<>();
            for (int i = 0; i <= s.length(); i++) {
                rows.add(List.of(s, s.substring(0, i), s.substring(i)));
            }
            return rows;
        });
        Model m = run("""
                l(X, Y) :- mounted(X), liar(X, Y).
                halves(A, B) :- mounted(X), split(X, A, B), A = B.
                """, List.of(Fact.of("mounted", "abab")), liar, split);
        assertEquals(Set.of(Fact.of("l", "abab", "ok")), set(m, "l"));
        assertEquals(Set.of(Fact.of("halves", "ab", "ab")), set(m, "halves"));
    }

    @Test
    void inputs() {
        Program p = compile("a(X) :- mounted(X).\nb(\"x\").");
        assertThrows(IllegalArgumentException.class, () -> p.evaluate(List.of(Fact.of("unknown", "x"))));
        assertThrows(IllegalArgumentException.class, () -> p.evaluate(List.of(Fact.of("mounted", "x", "y"))));
        assertThrows(IllegalArgumentException.class, () -> p.evaluate(List.of(Fact.of("b", "y"))));
        Model m = p.evaluate(List.of(Fact.of("mounted", "x"), Fact.of("mounted", "x"), Fact.of("mounted", "y")));
        assertEquals(List.of(Fact.of("mounted", "x"), Fact.of("mounted", "y")), m.facts("mounted"));
        assertEquals(List.of(Fact.of("a", "x"), Fact.of("a", "y")), m.facts("a"));
        assertEquals(List.of(), m.facts("edge"));
        assertThrows(IllegalArgumentException.class, () -> m.facts("nosuch"));
        assertFalse(m.holds(Fact.of("nosuch", "x")));
        assertFalse(m.holds(Fact.of("a", "x", "y")));
    }

    private static final String SHUFFLED = """
            reach(X) :- root(X).
            reach(Y) :- reach(X), edge(X, Y).
            dead(X) :- node(X), not reach(X).
            linked(X, Y) :- edge(X, Y) ; edge(Y, X).
            pair(X, Y) :- linked(X, Y), X != Y, not dead(X), not dead(Y).
            hub(X) :- pair(X, Y), pair(X, Z), Y != Z.
            leaf(X) :- reach(X), not hub(X), not root(X).
            label(X, L) :- leaf(X), L = "leaf" ; hub(X), L = "hub" ; dead(X), L = "dead".
            both(X) :- hub(X), (root(X) ; leaf(X)).
            root("n0").
            root("n7").
            quiet :- not both(_).
            sg(X, X) :- reach(X).
            sg(X, Y) :- edge(A, X), sg(A, B), edge(B, Y).
            odd_sg(X, Y) :- sg(X, Y), not sg(Y, X).
            """;

    @Test
    void ruleAndClauseOrderNeverChangeTheModel() {
        Random random = new Random(42);
        List<Fact> input = new ArrayList<>();
        // n0..n29: a live random graph; n30..n39: a dead cycle with an edge into it; n40..n44: leaves
        for (int i = 0; i < 45; i++) {
            input.add(Fact.of("node", "n" + i));
        }
        for (int i = 0; i < 30; i++) {
            input.add(Fact.of("edge", "n" + random.nextInt(30), "n" + random.nextInt(30)));
            input.add(Fact.of("edge", "n" + i, "n" + (i * 7 % 30)));
        }
        for (int i = 30; i < 40; i++) {
            input.add(Fact.of("edge", "n" + i, "n" + (30 + (i + 1) % 10)));
        }
        input.add(Fact.of("edge", "n35", "n3"));
        for (int i = 40; i < 45; i++) {
            input.add(Fact.of("edge", "n" + (i - 35), "n" + i));
        }
        List<String> lines = new ArrayList<>(SHUFFLED.lines().toList());
        List<String> predicates = List.of("reach", "dead", "linked", "pair", "hub", "leaf", "label", "both", "quiet",
                "sg", "odd_sg");
        Map<String, Set<Fact>> expected = new HashMap<>();
        Model first = run(SHUFFLED, input);
        for (String p : predicates) {
            expected.put(p, set(first, p));
        }
        assertFalse(expected.get("dead").isEmpty());
        assertFalse(expected.get("hub").isEmpty());
        assertFalse(expected.get("leaf").isEmpty());
        for (int round = 0; round < 25; round++) {
            Collections.shuffle(lines, random);
            List<Fact> shuffledInput = new ArrayList<>(input);
            Collections.shuffle(shuffledInput, random);
            String text = String.join("\n", lines);
            Model m = run(text, shuffledInput);
            for (String p : predicates) {
                assertEquals(expected.get(p), set(m, p), () -> p + " differs for:\n" + text);
            }
        }
    }

    @Test
    void derivationOrderIsDeterministic() {
        List<Fact> input = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            input.add(Fact.of("node", "n" + i));
            input.add(Fact.of("edge", "n" + i, "n" + (i * 11 % 30)));
        }
        Program p = compile(SHUFFLED);
        Model a = p.evaluate(input);
        Model b = p.evaluate(input);
        for (String pred : List.of("reach", "label", "sg", "pair")) {
            assertEquals(a.facts(pred), b.facts(pred));
        }
    }

    @Test
    void programsAreReusableAndIndependent() {
        Program p = compile("a(X) :- mounted(X), not b(X).\nb(\"x\").");
        Model one = p.evaluate(List.of(Fact.of("mounted", "x"), Fact.of("mounted", "y")));
        Model two = p.evaluate(List.of(Fact.of("mounted", "z")));
        assertEquals(facts("a", "y"), set(one, "a"));
        assertEquals(facts("a", "z"), set(two, "a"));
    }

    @Test
    void aLargeGeneratedProgramCompilesAndRuns() {
        // 400 lines in the shape of a real rules file: facts, chains of rules, negation, disjunction
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            b.append("f").append(i).append("(\"v").append(i).append("\").  % fact ").append(i).append('\n');
            b.append("g").append(i).append("(X) :- mounted(X), (f").append(i).append("(X) ; X = \"m").append(i)
                    .append("\").\n");
            b.append("h").append(i).append("(X, Y) :- g").append(i).append("(X), edge(X, Y), not f").append(i)
                    .append("(Y).\n");
            b.append("k").append(i).append("(Y) :- h").append(i).append("(_, Y)")
                    .append(i > 0 ? ", not k" + (i - 1) + "(Y)" : "").append(".\n");
        }
        Program p = compile(b.toString());
        List<Fact> input = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            input.add(Fact.of("mounted", "m" + i));
            input.add(Fact.of("edge", "m" + i, "m" + ((i + 1) % 100)));
        }
        Model m = p.evaluate(input);
        assertEquals(List.of(Fact.of("g5", "m5")), m.facts("g5"));
        assertEquals(List.of(Fact.of("h5", "m5", "m6")), m.facts("h5"));
        assertEquals(List.of(Fact.of("k5", "m6")), m.facts("k5"));
    }
}
