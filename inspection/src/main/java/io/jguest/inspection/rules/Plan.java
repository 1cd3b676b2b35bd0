package io.jguest.inspection.rules;

import java.util.List;
import java.util.Map;

/**
 * A checked program ready to run: its relations (inputs and predicates the program defines) and
 * built-ins by id, its facts, and its rules grouped into strata in evaluation order.
 */
record Plan(String file, String[] names, int[] arities, boolean[] input, Map<String, Integer> relations,
            Builtin[] builtins, Map<String, Integer> builtinIds, List<ProgramFact> facts, Rule[][] strata,
            int maxBody) {

    /** A fact written in the program. */
    record ProgramFact(int relation, String[] row, int line) {
    }
}
