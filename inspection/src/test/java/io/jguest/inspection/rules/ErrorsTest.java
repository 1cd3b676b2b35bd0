package io.jguest.inspection.rules;

import static io.jguest.inspection.rules.RulesTesting.assertRejected;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of program error, with the line and column it is reported at. */
class ErrorsTest {
    @Test
    void syntaxErrors() {
        assertRejected("b(\"x\").\na(X) :- b(X) b(X).", 2, 14, "syntax error: expected ',', ';' or '.', found 'b'");
        assertRejected("a(\"x\")", 1, 7, "syntax error: expected '.' or ':-', found end of file");
        assertRejected("a(\"x\").\n  a(\"y\" \"z\").", 2, 9, "syntax error: expected ',' or ')', found a string");
        assertRejected("X(\"x\").", 1, 1, "syntax error: expected a fact or a rule head, found variable X");
        assertRejected("b(\"x\").\na(X) :- .", 2, 9, "expected an atom, a comparison, 'not' or '(', found '.'");
        assertRejected("b(\"x\").\na(X) :- b(X), (b(X) ; b(X).", 2, 27, "expected ',', ';' or ')', found '.'");
        assertRejected("b(\"x\").\na(X) :- b(X), not X = \"y\".", 2, 19, "expected an atom after not, found variable X");
        assertRejected("b(\"x\").\na(X) :- b(X), \\+ X = \"y\".", 2, 18, "expected an atom after \\+, found variable X");
        assertRejected("b(\"x\").\na(X) :- b(X), X.", 2, 16, "expected '=' or '!=' after a variable, found '.'");
        assertRejected("a(\"x\") :- \"x\" < \"y\".", 1, 15, "unexpected character '<'");
        assertRejected("a(1).", 1, 3, "unexpected character '1' (constants are double-quoted strings)");
        assertRejected("a(\"x\") : b(\"x\").", 1, 8, "unexpected character ':' (did you mean ':-'?)");
        assertRejected("b(\"x\").\na(X) :- b(X), X ! \"y\".", 2, 17, "unexpected character '!' (did you mean '!='?)");
        assertRejected("b(\"x\").\na(X) :- b(X), \\ b(X).", 2, 15, "unexpected character '\\' (did you mean '\\+'?)");
        assertRejected("a(\"é\"). b(é).", 1, 11, "unexpected character U+00E9");
        assertRejected("not(\"x\").", 1, 1, "expected a fact or a rule head, found 'not'");
    }

    @Test
    void tooDeeplyNestedParentheses() {
        String deep = "b(\"x\").\na(X) :- " + "(".repeat(Parser.MAX_NESTING + 1) + "b(X)"
                + ")".repeat(Parser.MAX_NESTING + 1) + ".";
        assertRejected(deep, 2, 9 + Parser.MAX_NESTING, "parentheses nested deeper than " + Parser.MAX_NESTING);
    }

    @Test
    void tooManyAlternatives() {
        StringBuilder b = new StringBuilder("b(\"x\"). c(\"x\").\n\n  a(X) :- b(X)");
        for (int i = 0; i < 11; i++) {
            b.append(", (b(X) ; c(X))");
        }
        assertRejected(b.append('.').toString(), 3, 3, "rule a has more than 1024 alternatives");
    }

    @Test
    void strings() {
        assertRejected("a(\"x\").\na(\"abc).\nb(\"y\").", 2, 3, "unterminated string");
        assertRejected("a(\"abc", 1, 3, "unterminated string");
        assertRejected("a(\"ab\\", 1, 3, "unterminated string");
        assertRejected("a(\"a\\qb\").", 1, 5, "unknown escape \\q in string");
    }

    @Test
    void unknownPredicate() {
        assertRejected("a(X) :- b(X).", 1, 9, "unknown predicate b/1: no rule or fact defines it");
        assertRejected("b(\"x\").\na(X) :- b(X), not c(X).", 2, 19, "unknown predicate c/1");
        assertRejected("b(\"x\").\na(X) :- b(X), (b(X) ;\n   d(X, X)).", 3, 4, "unknown predicate d/2");
    }

    @Test
    void arityMismatch() {
        assertRejected("b(\"x\").\nb(\"x\", \"y\").", 2, 1,
                "predicate b used with 2 arguments here but with 1 at t.rules:1:1");
        assertRejected("b(\"x\").\na(X) :- b(X, _).", 2, 9, "predicate b used with 2 arguments here but with 1");
        assertRejected("a(X) :- b(X, _).\nb(\"x\").", 2, 1, "predicate b used with 1 argument here but with 2");
        assertRejected("a(X) :- mounted(X), upper(X).", 1, 21, "built-in upper takes 2 arguments, not 1",
                TestBuiltin.upper());
        assertRejected("a(X) :- mounted(X, _).", 1, 9, "input predicate mounted has 1 argument, not 2");
        assertRejected("a(X) :- mounted(X), not edge(X).", 1, 25, "input predicate edge has 2 arguments, not 1");
    }

    @Test
    void unsafeRules() {
        assertRejected("b(\"x\").\na(X, Y) :- b(X).", 2, 6,
                "unsafe rule: variable Y in the head is not bound by a positive atom in the body");
        assertRejected("b(\"x\").\na(_) :- b(_).", 2, 3, "unsafe rule: variable _ in the head is not bound");
        assertRejected("b(\"x\").\na(X) :- not b(X), b(X).", 2, 15,
                "unsafe rule: variable X in a negated atom is not bound by a positive atom to its left");
        assertRejected("b(\"x\").\na(X) :- b(X), X != Y, b(Y).", 2, 20,
                "unsafe rule: variable Y in a comparison is not bound by a positive atom to its left");
        assertRejected("b(\"x\").\na(X) :- X = Y, b(X).", 2, 9, "unsafe rule: variable X in a comparison");
        assertRejected("b(\"x\").\na(X) :- X = X, b(X).", 2, 9, "unsafe rule: variable X in a comparison");
        assertRejected("b(\"x\").\na(X) :- upper(Y, X), b(Y).", 2, 15,
                "unsafe rule: variable Y (input argument 1 of built-in upper) is not bound by a positive atom to its left",
                TestBuiltin.upper());
        assertRejected("b(\"x\").\na(X) :- b(X), not upper(_, X).", 2, 25,
                "unsafe rule: variable _ (input argument 1 of built-in upper)", TestBuiltin.upper());
        assertRejected("b(\"x\").\na(X) :- b(X), upper(U, U).", 2, 21, "variable U (input argument 1",
                TestBuiltin.upper());
        // per alternative: X is bound in the first alternative only
        assertRejected("b(\"x\").\na(X, Y) :- b(Y), (b(X) ; Y = \"z\").", 2, 3,
                "unsafe rule: variable X in the head is not bound by a positive atom in the body (alternative 2 of the body)");
        assertRejected("b(\"x\").\na(X) :- (b(X) ; b(Y)), not b(Y).", 2, 30,
                "variable Y in a negated atom is not bound by a positive atom to its left (alternative 1 of the body)");
    }

    @Test
    void factsMustBeGround() {
        assertRejected("b(\"x\").\nc(\"y\", Y).", 2, 8, "fact c has variable Y: facts must be ground");
        assertRejected("c(_).", 1, 3, "fact c has variable _: facts must be ground");
    }

    @Test
    void builtinsAndInputsCannotBeDefined() {
        assertRejected("b(\"x\").\nupper(\"x\", \"X\").", 2, 1, "cannot define built-in predicate upper by a fact",
                TestBuiltin.upper());
        assertRejected("b(\"x\").\n upper(X, X) :- b(X).", 2, 2, "cannot define built-in predicate upper by a rule",
                TestBuiltin.upper());
        assertRejected("b(\"x\").\nmounted(X) :- b(X).", 2, 1,
                "cannot define input predicate mounted by a rule: its facts come from the caller");
    }

    @Test
    void negationThroughRecursionIsRejectedNamingTheCycle() {
        assertRejected("move(\"a\", \"b\").\nwin(X) :- move(X, Y), not win(Y).", 2, 27,
                "negation through a recursive cycle: win depends on not win");
        assertRejected("q(\"x\").\np(X) :- q(X), not r(X).\nr(X) :- q(X), s(X).\ns(X) :- p(X).", 2, 19,
                "negation through a recursive cycle: p depends on not r, r depends on s, s depends on p");
        // a negated atom inside a disjunction counts too
        assertRejected("q(\"x\").\np(X) :- q(X), (r(X) ; \\+ r(X)).\nr(X) :- p(X).", 2, 26,
                "negation through a recursive cycle: p depends on not r, r depends on p");
    }

    @Test
    void firstErrorInTheFileIsReported() {
        assertRejected("a(X) :- b(X, Y).\nc(X) :- d(X).\nb(\"x\").", 2, 9, "unknown predicate d/1");
        assertRejected("a(X) :- b(X, Y).\nb(\"x\").\nc(X) :- d(X).", 2, 1, "predicate b used with 1 argument");
    }

    @Test
    void badBuiltinsAndInputsAreProgrammingErrors() {
        assertThrows(IllegalArgumentException.class, () -> Program.compile("f", "", List.of(TestBuiltin.upper(),
                TestBuiltin.upper()), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Program.compile("f", "", List.of(TestBuiltin.upper()),
                Map.of("upper", 2)));
        assertThrows(IllegalArgumentException.class, () -> Program.compile("f", "", List.of(), Map.of("Bad", 1)));
        assertThrows(IllegalArgumentException.class, () -> Program.compile("f", "", List.of(), Map.of("not", 1)));
        assertThrows(IllegalArgumentException.class, () -> Program.compile("f", "", List.of(), Map.of("neg", -1)));
    }
}
