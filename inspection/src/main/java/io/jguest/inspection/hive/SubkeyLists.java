package io.jguest.inspection.hive;

/**
 * Walks a key's subkey lists: {@code lf} and {@code lh} (offset and hash pairs), {@code li}
 * (offsets) and {@code ri} (offsets of lists of the other kinds; an {@code ri} inside an {@code ri}
 * is refused, which also ends a list that names itself). Every count is checked against its cell,
 * and the entries must add up to the key's subkey count.
 */
final class SubkeyLists {
    /** Receives the offset of each listed key cell; returns false to stop the walk. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(int keyCell) throws HiveException;
    }

    private final Lookup lookup;
    private final long expected;
    private final Visitor visitor;
    private long seen;

    private SubkeyLists(Lookup lookup, long expected, Visitor visitor) {
        this.lookup = lookup;
        this.expected = expected;
        this.visitor = visitor;
    }

    /**
     * Visits the {@code count} key cells listed from the list at {@code listCell}, in order, until the
     * visitor returns false. A count of 0 reads nothing.
     */
    static void walk(Lookup lookup, int listCell, long count, Visitor visitor) throws HiveException {
        if (count == 0) {
            return;
        }
        SubkeyLists walk = new SubkeyLists(lookup, count, visitor);
        if (walk.list(listCell, false) && walk.seen != count) {
            throw lookup.fail("the key has " + count + " subkeys, its subkey lists hold " + walk.seen);
        }
    }

    private boolean list(int offset, boolean insideRi) throws HiveException {
        Cell cell = lookup.cell(offset, "subkey list");
        String signature = cell.signature();
        int stride = switch (signature) {
            case "lf", "lh" -> 8;
            case "li", "ri" -> 4;
            default -> throw lookup.fail(cell + ": signature " + Cell.printable(signature)
                    + ", expected \"lf\", \"lh\", \"li\" or \"ri\"");
        };
        int entries = cell.u16(2);
        cell.require(4, (long) entries * stride, entries + " list entries");
        boolean indirect = signature.equals("ri");
        if (indirect && insideRi) {
            throw lookup.fail(cell + ": an ri list inside an ri list");
        }
        for (int i = 0; i < entries; i++) {
            int target = cell.i32(4 + i * stride);
            boolean more = indirect ? list(target, true) : key(target);
            if (!more) {
                return false;
            }
        }
        return true;
    }

    private boolean key(int offset) throws HiveException {
        if (++seen > expected) {
            throw lookup.fail("the key has " + expected + " subkeys, its subkey lists hold more");
        }
        return visitor.visit(offset);
    }
}
