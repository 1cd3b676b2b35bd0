package io.jguest.inspection.rules;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed and checked rules program, ready to evaluate any number of times. Immutable and
 * thread-safe.
 */
public final class Program {
    private final Plan plan;

    private Program(Plan plan) {
        this.plan = plan;
    }

    /**
     * Parses and checks {@code text}.
     *
     * @param file     the name errors report ({@code inspection.rules})
     * @param builtins the built-in predicates rules may use
     * @param inputs   predicates whose facts {@link #evaluate} is given: name → arity
     * @throws RulesException a syntax error, an undefined predicate, a wrong arity, an unsafe rule,
     *                        negation through a cycle
     * @throws IllegalArgumentException two built-ins with one name, an input that is also a built-in, or
     *                                  an invalid predicate name or arity among them
     */
    public static Program compile(String file, String text, List<Builtin> builtins, Map<String, Integer> inputs)
            throws RulesException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        return new Program(Compiler.compile(file, text, List.copyOf(builtins), Map.copyOf(inputs)));
    }

    /**
     * Evaluates the program over {@code facts} (of the input predicates; others are an
     * {@link IllegalArgumentException}) and returns every fact that holds.
     */
    public Model evaluate(List<Fact> facts) {
        return new EvaluatedModel(plan, Evaluator.run(plan, facts));
    }
}
