package io.jguest.inspection.detect;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations of real databases: byte flips anywhere and in the pages a scan reads, page-number
 * fields (child, right-most and overflow pointers) pointed at their own page, at another pointer's
 * page, at page 0, past the end or anywhere, cell counts and cell pointers overwritten, header fields
 * overwritten, truncations. Each mutant is parsed, its schema read and every table scanned, each
 * blob parsed as an rpm header; every step must succeed or throw the reader's checked exception
 * (SqliteException, DetectException for a header). Anything else (a runtime exception, an error
 * such as an out-of-memory or a stack overflow) fails the test with the mutant's seed. The timeout
 * only detects hangs.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SqliteFuzzTest {
    private static final int MUTANTS = 1000;

    /** Where the scans of the original read: its pages and page-number fields. */
    private record Layout(List<Integer> pages, List<Integer> pointers, List<Integer> headers) {
    }

    private static final class Outcomes {
        int refused;
        int damaged;
        int clean;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpmdb.sqlite.gz", "rpmdb-512.sqlite.gz", "rows.sqlite.gz"})
    void mutantsGiveCheckedExceptionsOnly(String resource) throws SqliteException {
        byte[] base = RpmDatabases.resource(resource);
        Layout layout = layout(base);
        Outcomes outcomes = new Outcomes();
        for (int i = 0; i < MUTANTS; i++) {
            long seed = resource.hashCode() * 1_000_003L + i;
            byte[] mutant = mutate(base, layout, new Random(seed));
            try {
                read(mutant, outcomes);
            } catch (RuntimeException | Error e) {
                throw new AssertionError(resource + " mutant " + i + " (seed " + seed + "): " + e, e);
            }
        }
        String counts = resource + ": " + outcomes.refused + " refused, " + outcomes.damaged + " partly unreadable, "
                + outcomes.clean + " read in full";
        assertTrue(outcomes.refused + outcomes.damaged > MUTANTS / 5, "mutations reach the structure: " + counts);
        assertTrue(outcomes.clean > MUTANTS / 20, "harmless mutations still read: " + counts);
    }

    /** Parses, reads the schema, scans every table it names and parses every blob as an rpm header. */
    private static void read(byte[] file, Outcomes outcomes) {
        List<Long> roots;
        SqliteFile db;
        try {
            db = SqliteFile.parse(ByteBuffer.wrap(file));
            roots = tableRoots(db);
        } catch (SqliteException e) {
            outcomes.refused++;
            return;
        }
        boolean clean = true;
        for (long root : roots) {
            boolean[] bad = {false};
            try {
                db.scan(root, new SqliteFile.RowVisitor() {
                    @Override
                    public void row(long rowid, List<Object> values) {
                        for (Object v : values) {
                            if (v instanceof byte[] blob) {
                                try {
                                    RpmHeader.parse(blob).toPackage();
                                } catch (DetectException e) {
                                    // checked, as required; not counted (rows.sqlite's blobs are no headers)
                                }
                            }
                        }
                    }

                    @Override
                    public void unreadable(long rowid, String reason) {
                        bad[0] = true;
                    }
                });
            } catch (SqliteException e) {
                bad[0] = true;
            }
            clean &= !bad[0];
        }
        if (clean) {
            outcomes.clean++;
        } else {
            outcomes.damaged++;
        }
    }

    /** The root pages of the tables sqlite_schema names, Packages last. */
    private static List<Long> tableRoots(SqliteFile db) throws SqliteException {
        List<Long> roots = new ArrayList<>();
        db.scan(1, new SqliteFile.RowVisitor() {
            @Override
            public void row(long rowid, List<Object> values) {
                if (values.size() >= 4 && "table".equals(values.get(0)) && values.get(3) instanceof Long root && !"Packages".equals(values.get(1))) {
                    roots.add(root);
                }
            }

            @Override
            public void unreadable(long rowid, String reason) {
            }
        });
        db.tableRoot("Packages").ifPresent(roots::add);
        return roots;
    }

    /** The pages and fields a full read of the original touches, found by hand in the well-formed file. */
    private static Layout layout(byte[] file) throws SqliteException {
        SqliteFile db = SqliteFile.parse(ByteBuffer.wrap(file));
        RawPages raw = new RawPages(file);
        Set<Integer> pages = new LinkedHashSet<>();
        List<Integer> pointers = new ArrayList<>();
        List<Integer> roots = new ArrayList<>(List.of(1));
        tableRoots(db).forEach(r -> roots.add((int) (long) r));
        for (int root : roots) {
            for (int page : raw.tree(root)) {
                pages.add(page);
                if (raw.interior(page)) {
                    pointers.addAll(raw.childFields(page));
                }
                for (int field : raw.overflowFields(page, db)) {
                    pointers.add(field);
                    for (int next = raw.u32(field); next != 0; next = raw.u32(raw.start(next))) {
                        pages.add(next);
                        pointers.add(raw.start(next));
                    }
                }
            }
        }
        List<Integer> headers = pages.stream().filter(p -> raw.type(p) == 0x05 || raw.type(p) == 0x0d).map(raw::header).toList();
        return new Layout(List.copyOf(pages), pointers, headers);
    }

    private static byte[] mutate(byte[] base, Layout layout, Random r) {
        byte[] m = base.clone();
        RawPages raw = new RawPages(m);
        int pageSize = raw.pageSize;
        int count = 1 + r.nextInt(3);
        for (int k = 0; k < count; k++) {
            switch (r.nextInt(7)) {
                case 0 -> m[r.nextInt(m.length)] = (byte) r.nextInt(256);
                case 1 -> {   // a byte of a page the scans read
                    int page = layout.pages().get(r.nextInt(layout.pages().size()));
                    m[raw.start(page) + r.nextInt(pageSize)] = (byte) r.nextInt(256);
                }
                case 2 -> {   // a page-number field
                    int field = layout.pointers().get(r.nextInt(layout.pointers().size()));
                    long value = switch (r.nextInt(6)) {
                        case 0 -> field / pageSize + 1;   // its own page
                        case 1 -> raw.u32(layout.pointers().get(r.nextInt(layout.pointers().size())));   // shared
                        case 2 -> 0;
                        case 3 -> 0xffffffffL;
                        case 4 -> m.length / pageSize + 1 + r.nextInt(3);
                        default -> 1 + r.nextInt(m.length / pageSize);
                    };
                    raw.putU32(field, value);
                }
                case 3 -> {   // cell count or a cell pointer
                    int header = layout.headers().get(r.nextInt(layout.headers().size()));
                    int at = r.nextBoolean() ? header + 3 : header + 8 + 2 * r.nextInt(8);
                    int value = r.nextBoolean() ? r.nextInt(65536) : new int[] {0, 1, 0xffff, pageSize - 1, pageSize}[r.nextInt(5)];
                    m[at] = (byte) (value >> 8);
                    m[at + 1] = (byte) value;
                }
                case 4 -> {   // a header field
                    int[] fields = {16, 17, 18, 19, 20, 21, 28, 29, 30, 31, 56, 59, 92, 95};
                    m[fields[r.nextInt(fields.length)]] = (byte) r.nextInt(256);
                }
                case 5 -> {   // a run of continuation bytes: long varints
                    int page = layout.pages().get(r.nextInt(layout.pages().size()));
                    int at = raw.start(page) + r.nextInt(pageSize - 9);
                    Arrays.fill(m, at, at + 1 + r.nextInt(9), (byte) 0xff);
                }
                default -> {
                    return Arrays.copyOf(m, r.nextInt(m.length));
                }
            }
        }
        return m;
    }
}
