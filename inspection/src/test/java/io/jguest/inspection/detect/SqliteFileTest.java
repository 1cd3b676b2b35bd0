package io.jguest.inspection.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SQLite reader against databases written by sqlite3 itself (see generate-sqlite.sh), whole and damaged. */
class SqliteFileTest {
    /** One row as the visitor saw it; {@code problem} is set for an unreadable one. */
    record Row(long rowid, List<Object> values, String problem) {
    }

    static SqliteFile db(byte[] file) throws SqliteException {
        return SqliteFile.parse(ByteBuffer.wrap(file));
    }

    static List<Row> rows(SqliteFile db, long root) throws SqliteException {
        List<Row> rows = new ArrayList<>();
        db.scan(root, new SqliteFile.RowVisitor() {
            @Override
            public void row(long rowid, List<Object> values) {
                rows.add(new Row(rowid, values, null));
            }

            @Override
            public void unreadable(long rowid, String reason) {
                rows.add(new Row(rowid, null, reason));
            }
        });
        return rows;
    }

    static List<Row> rows(SqliteFile db, String table) throws SqliteException {
        return rows(db, db.tableRoot(table).orElseThrow());
    }

    @Test
    void headerAndSchemaOfRpmsDatabase() throws SqliteException {
        SqliteFile db = db(RpmDatabases.fedora38());

        assertEquals(4096, db.pageSize());
        assertEquals(4096, db.usableSize());
        assertEquals(56, db.pageCount());
        assertEquals(Optional.of(2L), db.tableRoot("Packages"));
        assertEquals(Optional.of(2L), db.tableRoot("PACKAGES"));
        assertEquals(Optional.of(3L), db.tableRoot("sqlite_sequence"));
        assertEquals(Optional.empty(), db.tableRoot("Name_key_idx"), "an index is no table");
        assertEquals(Optional.empty(), db.tableRoot("Nothing"));
    }

    @Test
    void rowsOfRpmsDatabase() throws SqliteException {
        List<Row> rows = rows(db(RpmDatabases.fedora38()), "Packages");

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), rows.stream().map(Row::rowid).toList());
        for (Row r : rows) {
            assertEquals(2, r.values().size());
            assertNull(r.values().get(0), "hnum is the rowid, stored as null");
        }
        assertEquals(List.of(1480, 1492, 1576, 1412, 1404), rows.stream().map(r -> ((byte[]) r.values().get(1)).length).toList());
        // index entries 41, data 816: the header blob starts there
        assertArrayEquals(new byte[] {0, 0, 0, 41, 0, 0, 3, 48}, Arrays.copyOf((byte[]) rows.get(0).values().get(1), 8));
    }

    @ParameterizedTest
    @CsvSource({"rpmdb-512.sqlite.gz, 512", "rpmdb-65536.sqlite.gz, 65536"})
    void otherPageSizesGiveTheSameBlobs(String resource, int pageSize) throws SqliteException {
        byte[] file = RpmDatabases.resource(resource);
        assertEquals(pageSize == 65536 ? 1 : pageSize, new RawPages(file).u16(16), "as stored");
        SqliteFile db = db(file);
        assertEquals(pageSize, db.pageSize());

        List<Row> expected = rows(db(RpmDatabases.fedora38()), "Packages");
        List<Row> rows = rows(db, "Packages");
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected.get(i).rowid(), rows.get(i).rowid());
            assertArrayEquals((byte[]) expected.get(i).values().get(1), (byte[]) rows.get(i).values().get(1));
        }
        if (pageSize == 512) {
            assertTrue(((byte[]) rows.get(0).values().get(1)).length > 2 * pageSize, "the blobs overflow");
        }
    }

    /** rows.sqlite: the blob of row I is "rI;" repeated, cut to (I * 193) % 3000 bytes. */
    static byte[] expectedBlob(long rowid) {
        if (rowid == 1L << 40) {
            return "last".getBytes(StandardCharsets.US_ASCII);
        }
        int length = (int) (rowid * 193 % 3000);
        return ("r" + rowid + ";").repeat(length).substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void manyRowsOnSeveralLevelsWithOverflowAndReservedBytes() throws SqliteException {
        byte[] file = RpmDatabases.resource("rows.sqlite.gz");
        SqliteFile db = db(file);
        assertEquals(512, db.pageSize());
        assertEquals(480, db.usableSize());
        assertEquals(2, file[18], "WAL mode (the log itself is gone)");

        RawPages raw = new RawPages(file);
        int root = (int) (long) db.tableRoot("Packages").orElseThrow();
        assertEquals(0x05, raw.type(1), "the schema spans pages");
        assertEquals(0x05, raw.type(root));
        assertEquals(0x05, raw.type(raw.u32(raw.cells(root).get(0))), "three levels or more");

        List<Row> rows = rows(db, root);
        List<Long> expectedIds = new ArrayList<>();
        for (long i = 1; i <= 1500; i++) {
            if (i % 7 != 0) {
                expectedIds.add(i);
            }
        }
        expectedIds.add(1L << 40);
        assertEquals(expectedIds, rows.stream().map(Row::rowid).toList());
        int overflowing = 0;
        for (Row r : rows) {
            byte[] blob = (byte[]) r.values().get(1);
            assertArrayEquals(expectedBlob(r.rowid()), blob, "row " + r.rowid());
            overflowing += blob.length > db.usableSize() - 35 ? 1 : 0;
        }
        assertTrue(overflowing > 1000, overflowing + " rows overflow");
    }

    @Test
    void everySerialType() throws SqliteException {
        List<Object> values = new ArrayList<>();
        for (Row r : rows(db(RpmDatabases.resource("rows.sqlite.gz")), "Kinds")) {
            assertEquals(1, r.values().size());
            Object v = r.values().get(0);
            values.add(v instanceof byte[] b ? List.of(Arrays.toString(b)) : v);
        }
        assertEquals(Arrays.asList(null, 0L, 1L, 127L, -128L, 32767L, -32768L, 8388607L, -8388608L,
                2147483647L, -2147483648L, 140737488355327L, -140737488355328L, Long.MAX_VALUE, Long.MIN_VALUE,
                2.5, -1e300, "héllo", "", List.of("[0, -1]"), List.of("[]")), values);
    }

    @Test
    void utf16TextAndNames() throws SqliteException {
        SqliteFile db = db(RpmDatabases.resource("utf16be.sqlite.gz"));

        assertEquals(List.of("Grüße, 東京 😀"), rows(db, "Notes").stream().map(r -> r.values().get(0)).toList());
        assertEquals(5, rows(db, "Packages").size());
    }

    @Test
    void headerFieldsAreChecked() {
        byte[] good = RpmDatabases.fedora38();
        assertRefused(Arrays.copyOf(good, 99), "99 bytes, too short for an SQLite database");
        assertRefused(Arrays.copyOf(good, 4000), "4000 bytes, less than the first 4096-byte page");
        assertRefused(with(good, 0, 's'), "not an SQLite 3 database");
        assertRefused(with(good, 16, 0x03, 0xe8), "page size 1000 is not a power of two");
        assertRefused(with(good, 16, 0x01, 0x00), "page size 256 is not a power of two");
        assertRefused(with(good, 16, 0, 0), "page size 0 is not a power of two");
        assertRefused(with(good, 19, 3), "file format read version 3");
        assertRefused(with(RpmDatabases.resource("rpmdb-512.sqlite.gz"), 20, 33), "33 reserved bytes leave 479 usable");
        assertRefused(with(good, 21, 65), "payload fractions 65/32/32");
        assertRefused(with(good, 59, 4), "text encoding 4");
    }

    @Test
    void thePageCountInTheHeaderCountsOnlyWhenValid() throws SqliteException {
        byte[] file = RpmDatabases.fedora38();
        RawPages raw = new RawPages(file);
        raw.putU32(28, 10);
        assertEquals(10, db(file).pageCount(), "valid: its version matches the change counter");
        raw.putU32(92, raw.u32(24) + 1);
        assertEquals(56, db(file).pageCount(), "stale");
        raw.putU32(92, raw.u32(24));
        raw.putU32(28, 1000);
        assertEquals(56, db(file).pageCount(), "never more than the file holds");
    }

    @Test
    void loopsAndForeignPagesEndTheScan() throws SqliteException {
        byte[] file = RpmDatabases.resource("rows.sqlite.gz");
        RawPages raw = new RawPages(file);
        int root = (int) (long) db(file).tableRoot("Packages").orElseThrow();
        int rightMost = raw.header(root) + 8;

        raw.putU32(rightMost, root);
        assertScanRefused(file, root, "page " + root + " right-most pointer: page " + root + " is reached twice");
        raw.putU32(rightMost, raw.u32(raw.cells(root).get(0)));
        assertScanRefused(file, root, "is reached twice");
        raw.putU32(rightMost, 0);
        assertScanRefused(file, root, "page 0 is not in the file (1 to 4387)");
        raw.putU32(rightMost, 4388);
        assertScanRefused(file, root, "page 4388 is not in the file");
        int overflowPage = 1;
        while (raw.type(overflowPage) == 0x05 || raw.type(overflowPage) == 0x0d) {
            overflowPage++;
        }
        assertScanRefused(file, overflowPage, "page " + overflowPage + ": type 0x" + Integer.toHexString(raw.type(overflowPage))
                + ", not a table B-tree page");
    }

    @Test
    void brokenOverflowChainsEndTheScan() throws SqliteException {
        byte[] file = RpmDatabases.resource("rpmdb-512.sqlite.gz");
        SqliteFile db = db(file);
        RawPages raw = new RawPages(file);
        int field = raw.tree(2).stream().flatMap(p -> raw.overflowFields(p, db).stream()).findFirst().orElseThrow();
        int first = raw.u32(field);
        int nextField = raw.start(first);
        raw.putU32(nextField, first);
        assertScanRefused(file, 2, "overflow: page " + first + " is reached twice");
        raw.putU32(nextField, 0);
        assertScanRefused(file, 2, "overflow chain ends after");
        raw.putU32(field, 0);
        assertScanRefused(file, 2, "overflow chain ends after");
    }

    @Test
    void cellsOutsideThePageEndTheScan() throws SqliteException {
        byte[] file = RpmDatabases.fedora38();
        RawPages raw = new RawPages(file);
        int leaf = raw.u32(raw.cells(2).get(0));
        int h = raw.header(leaf);
        int count = raw.u16(h + 3);
        file[h + 8] = 0;
        file[h + 9] = 4;
        assertScanRefused(file, 2, "page " + leaf + ": cell 0 at offset 4, outside the cell area");
        file[h + 3] = (byte) 0x08;
        file[h + 4] = 0;
        assertScanRefused(file, 2, "page " + leaf + ": 2048 cells, more than fit in the page");
        file[h + 3] = 0;
        file[h + 4] = (byte) count;
        file[h + 8] = (byte) 0x0f;
        file[h + 9] = (byte) 0xfe;
        // a payload size varint in the page's last two bytes that goes on
        file[raw.start(leaf) + 4094] = (byte) 0x81;
        file[raw.start(leaf) + 4095] = (byte) 0x81;
        assertScanRefused(file, 2, "page " + leaf + " cell 0 at offset 4096 runs past its end (4096)");
    }

    @Test
    void aBadRecordOrAnOversizedPayloadSkipsOnlyItsRow() throws SqliteException {
        byte[] file = Arrays.copyOf(RpmDatabases.fedora38(), (17 << 20) + 4096);
        RawPages raw = new RawPages(file);
        int leaf = raw.u32(raw.cells(2).get(0));
        List<Integer> cells = raw.cells(leaf);
        // row 1: the record header's size (its first payload byte) becomes 0
        int cell = cells.get(0);
        int payload = cell + (int) raw.varint(cell)[1] + (int) raw.varint(cell + (int) raw.varint(cell)[1])[1];
        file[payload] = 0;
        // row 2: the payload size becomes 16 MiB + 1 (a 4-byte varint over the old size, rowid and more)
        cell = cells.get(1);
        file[cell] = (byte) 0x88;
        file[cell + 1] = (byte) 0x80;
        file[cell + 2] = (byte) 0x80;
        file[cell + 3] = (byte) 0x01;

        List<Row> rows = rows(db(file), 2);

        assertEquals(new Row(1, null, "record header of 0 bytes in a payload of 1484"), rows.get(0));
        assertNull(rows.get(1).values());
        assertTrue(rows.get(1).problem().startsWith("payload of 16777217 bytes, more than the 16 MiB read for a row"),
                rows.get(1).problem());
        assertEquals(List.of(3L, 4L, 5L), rows.subList(2, rows.size()).stream().map(Row::rowid).toList());
        // the same size in a file smaller than it is damage
        assertScanRefused(Arrays.copyOf(file, 56 * 4096), 2, "payload of 16777217 bytes, more than the file");
    }

    private static byte[] with(byte[] file, int at, int... bytes) {
        byte[] copy = file.clone();
        for (int i = 0; i < bytes.length; i++) {
            copy[at + i] = (byte) bytes[i];
        }
        return copy;
    }

    private static void assertRefused(byte[] file, String cause) {
        SqliteException e = assertThrows(SqliteException.class, () -> db(file));
        assertTrue(e.getMessage().contains(cause), e.getMessage());
    }

    private static void assertScanRefused(byte[] file, long root, String cause) {
        SqliteException e = assertThrows(SqliteException.class, () -> rows(db(file), root));
        assertTrue(e.getMessage().contains(cause), e.getMessage());
    }
}
