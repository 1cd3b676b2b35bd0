package io.jguest.inspection.rules;

import java.util.Arrays;
import java.util.HashMap;

/**
 * The facts of one predicate during and after an evaluation: rows in the order they were added (never
 * removed), a set for duplicates, and per-column hash indexes built on first use and kept up to date.
 * Each row remembers how it came to hold ({@link Origin}).
 */
final class Relation {
    /** How a row came to hold: an input fact, a program fact (its line) or a rule with its bindings. */
    record Origin(Rule rule, String[] bindings, int line) {
        static final Origin INPUT = new Origin(null, null, 0);
    }

    /** A row as a hash key. */
    private record Key(String[] row, int hash) {
        static Key of(String[] row) {
            return new Key(row, Arrays.hashCode(row));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.row, row);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Ascending row numbers. */
    static final class Rows {
        private int[] items = new int[4];
        private int size;

        void add(int row) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = row;
        }

        int size() {
            return size;
        }

        int get(int i) {
            return items[i];
        }

        /** The first position whose row number is at least {@code row}. */
        int lowerBound(int row) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (items[mid] < row) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    final String name;
    final int arity;
    private String[][] rows = new String[8][];
    private Origin[] origins = new Origin[8];
    private int size;
    private final HashMap<Key, Integer> numbers = new HashMap<>();
    private final HashMap<String, Rows>[] columns;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Relation(String name, int arity) {
        this.name = name;
        this.arity = arity;
        this.columns = new HashMap[arity];
    }

    int size() {
        return size;
    }

    String[] row(int i) {
        return rows[i];
    }

    Origin origin(int i) {
        return origins[i];
    }

    /** The row number of {@code row}, or -1. */
    int find(String[] row) {
        Integer n = numbers.get(Key.of(row));
        return n == null ? -1 : n;
    }

    /** Adds {@code row} unless present; whether it was new. */
    boolean add(String[] row, Origin origin) {
        int n = size;
        if (numbers.putIfAbsent(Key.of(row), n) != null) {
            return false;
        }
        if (n == rows.length) {
            rows = Arrays.copyOf(rows, n * 2);
            origins = Arrays.copyOf(origins, n * 2);
        }
        rows[n] = row;
        origins[n] = origin;
        size = n + 1;
        for (int c = 0; c < columns.length; c++) {
            if (columns[c] != null) {
                columns[c].computeIfAbsent(row[c], k -> new Rows()).add(n);
            }
        }
        return true;
    }

    /** The rows whose column {@code column} is {@code value}, or null when none. */
    Rows lookup(int column, String value) {
        HashMap<String, Rows> index = columns[column];
        if (index == null) {
            index = new HashMap<>();
            for (int i = 0; i < size; i++) {
                index.computeIfAbsent(rows[i][column], k -> new Rows()).add(i);
            }
            columns[column] = index;
        }
        return index.get(value);
    }
}
