package io.jguest.inspection.rules;

/**
 * One compiled rule: a single alternative of a source rule (disjunctions are split into one rule per
 * alternative), with its variables numbered as slots of a bindings array.
 */
final class Rule {
    /** {@code rule at FILE:LINE: TEXT}, the source rule this alternative comes from. */
    final String how;
    final int head;
    /** Per head argument: the slot of its variable, or -1 for a constant. */
    final int[] headSlot;
    final String[] headConstant;
    final Goal[] body;
    final int slots;
    /** Body positions of the atoms over predicates of the rule's own stratum (recursive atoms). */
    final int[] recursive;

    Rule(String how, int head, int[] headSlot, String[] headConstant, Goal[] body, int slots, int[] recursive) {
        this.how = how;
        this.head = head;
        this.headSlot = headSlot;
        this.headConstant = headConstant;
        this.body = body;
        this.slots = slots;
        this.recursive = recursive;
    }

    String[] headRow(String[] bindings) {
        String[] row = new String[headSlot.length];
        for (int j = 0; j < row.length; j++) {
            row[j] = headSlot[j] < 0 ? headConstant[j] : bindings[headSlot[j]];
        }
        return row;
    }
}
