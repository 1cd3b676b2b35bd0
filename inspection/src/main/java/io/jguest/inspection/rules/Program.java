package io.jguest.inspection.rules;

import java.util.List;
import java.util.Map;

/**
 * A parsed and checked rules program, ready to evaluate any number of times. Immutable and
 * thread-safe.
 */
public final class Program {
    private Program() {
    }

    /**
     * Parses and checks {@code text}.
     *
     * @param file     the name errors report ({@code inspection.rules})
     * @param builtins the built-in predicates rules may use
     * @param inputs   predicates whose facts {@link #evaluate} is given: name → arity
     * @throws RulesException a syntax error, an undefined predicate, a wrong arity, an unsafe rule,
     *                        negation through a cycle
     */
    public static Program compile(String file, String text, List<Builtin> builtins, Map<String, Integer> inputs)
            throws RulesException {
        throw new UnsupportedOperationException("contract only: the engine helper implements this");
    }

    /**
     * Evaluates the program over {@code facts} (of the input predicates; others are an
     * {@link IllegalArgumentException}) and returns every fact that holds.
     */
    public Model evaluate(List<Fact> facts) {
        throw new UnsupportedOperationException("contract only: the engine helper implements this");
    }
}
