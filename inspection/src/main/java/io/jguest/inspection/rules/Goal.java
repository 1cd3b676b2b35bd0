package io.jguest.inspection.rules;

/**
 * One compiled body literal of a {@link Rule}: what it reads and, per argument, whether it is a
 * constant, a variable bound to its left, a variable it binds, or (negated) a wildcard.
 */
final class Goal {
    static final int ATOM = 0;
    static final int NOT_ATOM = 1;
    static final int BUILTIN = 2;
    static final int NOT_BUILTIN = 3;
    static final int EQ = 4;
    static final int NEQ = 5;

    /** Argument modes. */
    static final int CONST = 0;
    /** A variable bound by a literal to the left. */
    static final int BOUND = 1;
    /** A variable this literal binds (its first occurrence). */
    static final int FREE = 2;
    /** A variable bound earlier in this same literal: must equal that value. */
    static final int REPEAT = 3;
    /** {@code _} in a negated literal: any value. */
    static final int WILD = 4;

    final int kind;
    /** Relation id (atoms) or built-in id (built-ins); unused for comparisons. */
    final int target;
    final String predicate;
    final int[] mode;
    final int[] slot;
    final String[] constant;
    /** For atoms: the first argument known before the lookup (constant or bound), or -1. */
    final int indexColumn;
    final int line;
    final int column;

    Goal(int kind, int target, String predicate, int[] mode, int[] slot, String[] constant, int line, int column) {
        this.kind = kind;
        this.target = target;
        this.predicate = predicate;
        this.mode = mode;
        this.slot = slot;
        this.constant = constant;
        int index = -1;
        for (int j = 0; j < mode.length && index < 0; j++) {
            if (mode[j] == CONST || mode[j] == BOUND) {
                index = j;
            }
        }
        this.indexColumn = index;
        this.line = line;
        this.column = column;
    }

    /** Argument {@code j} under {@code bindings}: its value, or null when this literal does not know it. */
    String known(int j, String[] bindings) {
        return switch (mode[j]) {
            case CONST -> constant[j];
            case BOUND -> bindings[slot[j]];
            default -> null;
        };
    }

    /**
     * Whether {@code row} matches this literal's known arguments; binds its free ones into {@code bindings}.
     */
    boolean match(String[] row, String[] bindings) {
        int[] m = mode;
        for (int j = 0; j < m.length; j++) {
            switch (m[j]) {
                case CONST -> {
                    if (!constant[j].equals(row[j])) {
                        return false;
                    }
                }
                case FREE -> bindings[slot[j]] = row[j];
                case WILD -> {
                }
                default -> {
                    if (!bindings[slot[j]].equals(row[j])) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The arguments after a successful match ({@code null} for wildcards). */
    String[] instantiate(String[] bindings) {
        String[] out = new String[mode.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = mode[j] == CONST ? constant[j] : mode[j] == WILD ? null : bindings[slot[j]];
        }
        return out;
    }
}
