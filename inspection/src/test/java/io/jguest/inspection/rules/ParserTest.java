package io.jguest.inspection.rules;

import static io.jguest.inspection.rules.RulesTesting.facts;
import static io.jguest.inspection.rules.RulesTesting.run;
import static io.jguest.inspection.rules.RulesTesting.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParserTest {
    @Test
    void everySyntacticFormParsesAndMeansWhatItSays() {
        String text = """
                % a comment line
                p("a"). p("b\\"q").   p("c\\\\d\\n\\te").   % three facts on one line, with escapes
                p(""). p("%not a comment").
                q(X) :- p(X), X != "a".
                r(X, Y) :- p(X), (q(X) ; X = "a"), Y = X.
                s(X) :- p(X), \\+ q(X).
                s2(X) :- p(X), not (q(X)).
                t() :- p("a").
                u :- t.
                v(X):-p(X),"a"="a",X="a".
                """;
        Model m = run(text, List.of());
        assertEquals(List.of(Fact.of("p", "a"), Fact.of("p", "b\"q"), Fact.of("p", "c\\d\n\te"), Fact.of("p", ""),
                Fact.of("p", "%not a comment")), m.facts("p"));
        assertEquals(facts("q", "b\"q", "c\\d\n\te", "", "%not a comment"), set(m, "q"));
        assertEquals(5, m.facts("r").size());
        assertTrue(m.holds(Fact.of("r", "a", "a")));
        assertTrue(m.holds(Fact.of("r", "", "")));
        assertEquals(facts("s", "a"), set(m, "s"));
        assertEquals(facts("s2", "a"), set(m, "s2"));
        assertEquals(List.of(Fact.of("t")), m.facts("t"));
        assertEquals(List.of(Fact.of("u")), m.facts("u"));
        assertEquals(facts("v", "a"), set(m, "v"));
        assertEquals("p(\"b\\\"q\")", Fact.of("p", "b\"q").toString());
        assertEquals("p(\"c\\\\d\\n\\te\")", m.facts("p").get(2).toString());
    }

    @Test
    void nestedParenthesesAndPrecedence() {
        // ';' binds looser than ',': a :- b, c ; d  is  (b, c) ; d
        String text = """
                b("1"). b("2"). c("2"). d("3").
                a(X) :- b(X), c(X) ; d(X).
                e(X) :- (b(X) ; d(X)), ((c(X) ; d(X)), (b(X) ; d(X) ; c(X))).
                """;
        Model m = run(text, List.of());
        assertEquals(facts("a", "2", "3"), set(m, "a"));
        assertEquals(facts("e", "2", "3"), set(m, "e"));
    }

    @Test
    void anonymousVariablesAreDistinct() {
        String text = """
                a(X) :- edge(X, _), edge(_, X).
                tied(X) :- edge(X, Y), edge(Y, X).
                lonely(X) :- node(X), not edge(X, _).
                """;
        Model m = run(text, List.of(Fact.of("edge", "x", "y"), Fact.of("edge", "z", "x"), Fact.of("node", "x"),
                Fact.of("node", "q")));
        assertEquals(facts("a", "x"), set(m, "a"));
        assertEquals(Set.of(), set(m, "tied"));
        assertEquals(facts("lonely", "q"), set(m, "lonely"));
    }

    @Test
    void ruleTextIsCitedOnOneLineWithoutComments() {
        String text = """
                b("1").
                a(X) :-   % the head
                    b(X),     % a comment with "a quote
                    X  !=  "two  spaces".
                """;
        Model m = run(text, List.of());
        String how = m.explain(Fact.of("a", "1")).orElseThrow().how();
        assertEquals("rule at t.rules:2: a(X) :- b(X), X != \"two  spaces\".", how);
    }

    @Test
    void emptyProgramAndCommentsOnly() {
        Model m = run("% nothing\n\n   % at all", List.of(Fact.of("node", "n")));
        assertEquals(List.of(Fact.of("node", "n")), m.facts("node"));
        assertFalse(m.holds(Fact.of("node", "m")));
    }

    @Test
    void windowsLineEndings() {
        Model m = run("b(\"1\").\r\na(X) :-\r\n b(X).\r\n", List.of());
        assertEquals(facts("a", "1"), set(m, "a"));
        assertEquals("rule at t.rules:2: a(X) :- b(X).", m.explain(Fact.of("a", "1")).orElseThrow().how());
    }
}
