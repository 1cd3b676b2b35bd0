package io.jguest.inspection.rules;

import java.util.List;
import java.util.Optional;

/** The facts that hold after an evaluation: input facts, program facts and derived facts. Immutable. */
public interface Model {
    /**
     * Every fact of {@code predicate} (built-in rows excepted), in the order they were derived.
     *
     * @throws IllegalArgumentException {@code predicate} is neither defined by the program, nor an input,
     *                                  nor a built-in (a built-in has no facts: the list is empty)
     */
    List<Fact> facts(String predicate);

    /** Whether {@code fact} is an input, program or derived fact (built-in rows are not facts). */
    boolean holds(Fact fact);

    /**
     * How {@code fact} was derived, or empty when it does not hold. A derived fact met again in the same
     * tree is shown without premises, its {@code how} ending in {@code [explained above]}; so is one more
     * than 30 levels below the root, its {@code how} ending in {@code [premises not shown: deeper than 30]}.
     */
    Optional<Derivation> explain(Fact fact);
}
