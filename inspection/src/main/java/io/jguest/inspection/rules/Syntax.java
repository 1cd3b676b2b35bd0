package io.jguest.inspection.rules;

import java.util.List;

/** The parsed form of a rules program, before checking: terms, atoms, bodies and clauses. */
final class Syntax {
    private Syntax() {
    }

    /**
     * A variable or a string constant. An anonymous variable ({@code _}) gets a unique name that
     * cannot clash with a written one; {@link #shown()} prints it as written.
     */
    record Term(String variable, String constant, boolean anonymous, int line, int column) {
        boolean isVariable() {
            return variable != null;
        }

        String shown() {
            return anonymous ? "_" : variable;
        }
    }

    record Atom(String predicate, List<Term> args, int line, int column) {
    }

    /** A rule body: a conjunction, a disjunction or a literal. */
    sealed interface Body permits All, Any, Literal {
    }

    /** {@code a, b, c}. */
    record All(List<Body> parts) implements Body {
    }

    /** {@code a ; b ; c}. */
    record Any(List<Body> alternatives) implements Body {
    }

    sealed interface Literal extends Body permits Positive, Negative, Comparison {
    }

    record Positive(Atom atom) implements Literal {
    }

    record Negative(Atom atom) implements Literal {
    }

    /** {@code left = right} or {@code left != right}; the position is the operator's. */
    record Comparison(boolean equal, Term left, Term right, int line, int column) implements Literal {
    }

    /**
     * A fact ({@code body} null) or a rule, with the line it starts on and its source text on one line
     * (comments removed, whitespace runs made one space).
     */
    record Clause(Atom head, Body body, int line, String text) {
    }
}
