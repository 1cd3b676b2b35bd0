package io.jguest.inspection.rules;

import java.util.List;

/**
 * A predicate computed by Java: file tests, file parsers, registry lookups, string functions.
 * Must be pure for the duration of one evaluation (same arguments, same rows) and must not throw:
 * a built-in that cannot read what it was asked about returns no rows (and reports a warning through
 * whatever its owner gave it).
 */
public interface Builtin {
    /** The predicate name used in rules. */
    String name();

    int arity();

    /** Whether argument {@code position} (0-based) must be bound when the built-in is called. */
    boolean isInput(int position);

    /**
     * The rows that match {@code args}: {@code args.get(i)} is the bound value, or null where the
     * argument is unbound (never null for an input). Each returned row has {@link #arity()} values
     * and repeats the bound ones unchanged; rows that do not, are dropped by the engine.
     */
    List<List<String>> call(List<String> args);
}
