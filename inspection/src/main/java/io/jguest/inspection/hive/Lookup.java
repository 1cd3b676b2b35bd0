package io.jguest.inspection.hive;

/**
 * One bounded operation on a {@link Hive}: it resolves cell offsets (every one checked against the
 * hive bins), counts the cells it visits and the value bytes it copies against fixed budgets, and
 * builds error messages naming the hive and the key the operation started from. Not thread-safe:
 * each public operation makes its own.
 */
final class Lookup {
    /** Cells one operation may visit: far more than any real key needs, little enough to be quick. */
    static final int MAX_CELLS = 1 << 18;
    /** Value bytes one operation may copy (a key's values together). */
    static final long MAX_BYTES = 32L << 20;
    /** The smallest cell: its size field and 4 bytes. */
    private static final int MIN_CELL = 8;

    private final Hive hive;
    private final Object context;
    private int cells;
    private long bytes;

    /** {@code context} (its toString, computed only for errors) names where the operation started. */
    Lookup(Hive hive, Object context) {
        this.hive = hive;
        this.context = context;
    }

    Hive hive() {
        return hive;
    }

    /** An exception naming the hive, this operation's key and {@code message}. */
    HiveException fail(String message) {
        return new HiveException(hive.label() + ": " + context + ": " + message);
    }

    /** Accounts for copying {@code count} value bytes; fails once the operation's budget is spent. */
    void spend(long count) throws HiveException {
        bytes += count;
        if (bytes > MAX_BYTES) {
            throw fail("gave up after copying more than " + MAX_BYTES + " bytes of value data");
        }
    }

    /**
     * The allocated cell at {@code offset} (relative to the end of the base block), which must lie
     * inside one hive bin, past its header; {@code what} names it in errors ("key", "value list").
     */
    Cell cell(int offset, String what) throws HiveException {
        if (++cells > MAX_CELLS) {
            throw fail("gave up after visiting " + MAX_CELLS + " cells (a loop in the hive?)");
        }
        String at = what + " at 0x" + Integer.toHexString(offset);
        if (offset < 0 || (offset & 7) != 0) {
            throw fail(at + ": not a cell offset");
        }
        long pos = Hive.BASE_BLOCK + (long) offset;
        int bin = hive.binIndex(pos);
        if (bin < 0) {
            String why = hive.binsProblem();
            throw fail(at + ": outside the hive bins" + (why == null ? "" : " (" + why + ")"));
        }
        int binEnd = hive.binEnd(bin);
        if (pos < hive.binStart(bin) + Hive.HBIN_HEADER || pos + MIN_CELL > binEnd) {
            throw fail(at + ": not inside the cells of its hive bin");
        }
        int size = hive.data().getInt((int) pos);
        if (size >= 0) {
            throw fail(at + ": the cell is free");
        }
        if (size == Integer.MIN_VALUE || -size < MIN_CELL || -size > binEnd - pos) {
            throw fail(at + ": cell size " + size + " does not fit in its hive bin");
        }
        return new Cell(this, offset, what, (int) pos + 4, -size - 4);
    }
}
