package io.jguest.inspection.rules;

import java.util.List;
import java.util.Optional;

/** The facts that hold after an evaluation: input facts, program facts and derived facts. Immutable. */
public interface Model {
    /** Every fact of {@code predicate} (built-in rows excepted), in the order they were derived. */
    List<Fact> facts(String predicate);

    boolean holds(Fact fact);

    /** How {@code fact} was derived, or empty when it does not hold. */
    Optional<Derivation> explain(Fact fact);
}
