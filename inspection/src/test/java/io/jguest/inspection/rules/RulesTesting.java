package io.jguest.inspection.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared helpers for the rules tests. */
final class RulesTesting {
    static final String FILE = "t.rules";
    /** The inputs every helper program may use. */
    static final Map<String, Integer> INPUTS = Map.of("mounted", 1, "edge", 2, "node", 1);

    private RulesTesting() {
    }

    static Program compile(String text, Builtin... builtins) {
        try {
            return Program.compile(FILE, text, List.of(builtins), INPUTS);
        } catch (RulesException e) {
            throw new AssertionError("unexpected: " + e.getMessage(), e);
        }
    }

    static Model run(String text, List<Fact> facts, Builtin... builtins) {
        return compile(text, builtins).evaluate(facts);
    }

    static Set<Fact> set(Model m, String predicate) {
        return new HashSet<>(m.facts(predicate));
    }

    static Set<Fact> facts(String predicate, String... unaryArgs) {
        Set<Fact> out = new HashSet<>();
        for (String a : unaryArgs) {
            out.add(Fact.of(predicate, a));
        }
        return out;
    }

    /** Asserts that {@code text} is rejected at {@code line}:{@code column} with a message containing {@code what}. */
    static RulesException assertRejected(String text, int line, int column, String what, Builtin... builtins) {
        RulesException e = assertThrows(RulesException.class,
                () -> Program.compile(FILE, text, List.of(builtins), INPUTS));
        assertEquals(FILE + ":" + line + ":" + column + ": ", e.getMessage().substring(0,
                Math.min(e.getMessage().length(), (FILE + ":" + line + ":" + column + ": ").length())), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertEquals(FILE, e.file());
        assertTrue(e.getMessage().contains(what), () -> "message: " + e.getMessage() + "\nexpected to contain: " + what);
        return e;
    }
}
