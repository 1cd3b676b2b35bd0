package io.jguest.inspection.detect;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A read-only SQLite 3 database file, read as far as listing the rows of one rowid table needs: the
 * database header, the schema table, a scan of a table B-tree, records and overflow chains (the
 * format of sqlite.org/fileformat.html). Indexes, WITHOUT ROWID tables, the freelist and pointer
 * maps are never read.
 *
 * <p>Only the main file is read. A write-ahead log next to it ({@code NAME-wal}) is ignored, so rows
 * committed to the log but not yet checkpointed into the file are missed: the file may be slightly
 * stale, never inconsistent, since SQLite only copies whole checkpoints into it. A hot rollback
 * journal is not played back either.
 *
 * <p>Hostile files are expected. Every offset and length is checked against the page or payload it
 * lies in; a scan claims each page it reads in a set bounded by the page count, so a page reached a
 * second time (a loop or a page shared by two parents) ends it, and a scan reads at most every page
 * once; the B-tree is walked with an explicit stack, not recursion. Payloads are allocated only once
 * their size is known to be at most {@link #MAX_PAYLOAD} and no larger than the file. Structural
 * damage (header, pages, cell pointers, overflow chains) is a {@link SqliteException}; a row whose
 * own record cannot be decoded, or whose payload is over the cap, is reported to the visitor and
 * the scan goes on. All reads are absolute gets on a buffer that is never modified: an instance is
 * immutable and thread-safe.
 */
public final class SqliteFile {
    /** The largest row payload read; larger rows are reported as unreadable. */
    public static final int MAX_PAYLOAD = 16 << 20;
    /** Size of the database header at the start of page 1. */
    static final int HEADER = 100;
    static final int INTERIOR_TABLE = 0x05;
    static final int LEAF_TABLE = 0x0d;
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    /** SQLite refuses databases with less usable space per page. */
    private static final int MIN_USABLE = 480;

    private final ByteBuffer data;
    private final int pageSize;
    private final int usable;
    private final int pageCount;
    private final Charset encoding;

    private SqliteFile(ByteBuffer data, int pageSize, int usable, int pageCount, Charset encoding) {
        this.data = data;
        this.pageSize = pageSize;
        this.usable = usable;
        this.pageCount = pageCount;
        this.encoding = encoding;
    }

    /**
     * A database over {@code source} (position 0 is the file's first byte; the buffer is not
     * modified). Checks the database header; the pages are read by the scans.
     */
    public static SqliteFile parse(ByteBuffer source) throws SqliteException {
        ByteBuffer data = source.slice(0, source.limit());
        int size = data.limit();
        if (size < HEADER) {
            throw new SqliteException(size + " bytes, too short for an SQLite database");
        }
        byte[] magic = new byte[MAGIC.length];
        data.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new SqliteException("not an SQLite 3 database (no \"SQLite format 3\" header)");
        }
        int raw = u16(data, 16);
        int pageSize = raw == 1 ? 65536 : raw;
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
            throw new SqliteException("page size " + raw + " is not a power of two from 512 to 65536");
        }
        int readVersion = u8(data, 19);
        if (readVersion != 1 && readVersion != 2) {
            throw new SqliteException("file format read version " + readVersion + " (only 1 and 2 are known)");
        }
        int usable = pageSize - u8(data, 20);
        if (usable < MIN_USABLE) {
            throw new SqliteException(u8(data, 20) + " reserved bytes leave " + usable + " usable of a " + pageSize + "-byte page");
        }
        if (u8(data, 21) != 64 || u8(data, 22) != 32 || u8(data, 23) != 32) {
            throw new SqliteException("payload fractions " + u8(data, 21) + "/" + u8(data, 22) + "/" + u8(data, 23) + ", not 64/32/32");
        }
        Charset encoding = switch ((int) u32(data, 56)) {
            case 0, 1 -> StandardCharsets.UTF_8;
            case 2 -> StandardCharsets.UTF_16LE;
            case 3 -> StandardCharsets.UTF_16BE;
            default -> throw new SqliteException("text encoding " + u32(data, 56) + " (1 to 3 are known)");
        };
        long pages = size / pageSize;
        if (pages < 1) {
            throw new SqliteException(size + " bytes, less than the first " + pageSize + "-byte page");
        }
        // The size in the header is valid only when written by a version that also set field 92.
        long inHeader = u32(data, 28);
        if (inHeader != 0 && u32(data, 24) == u32(data, 92) && inHeader < pages) {
            pages = inHeader;
        }
        return new SqliteFile(data, pageSize, usable, (int) pages, encoding);
    }

    public int pageSize() {
        return pageSize;
    }

    /** The page size less the bytes reserved at the end of every page. */
    public int usableSize() {
        return usable;
    }

    /** Pages in the file (the header's count when it is valid and smaller). */
    public int pageCount() {
        return pageCount;
    }

    /** Receives the rows of a scan, in rowid order. */
    public interface RowVisitor {
        /**
         * One row: its values by column, each null, a {@link Long}, a {@link Double}, a
         * {@link String} (text) or a {@code byte[]} (blob). A column that is an alias of the rowid
         * ({@code INTEGER PRIMARY KEY}) is stored as null; the rowid is its value.
         */
        void row(long rowid, List<Object> values);

        /** A row whose record cannot be decoded, or whose payload is larger than {@link #MAX_PAYLOAD}. */
        void unreadable(long rowid, String reason);
    }

    /**
     * The root page of the table {@code name} (ASCII case ignored, as SQL names are), from the schema
     * table on page 1; empty when there is no such table.
     *
     * @throws SqliteException the schema table is damaged, or there is no such table and some schema
     *                         rows could not be read
     */
    public Optional<Long> tableRoot(String name) throws SqliteException {
        long[] root = {-1};
        String[] problem = {null};
        scan(1, new RowVisitor() {
            @Override
            public void row(long rowid, List<Object> values) {
                if (root[0] < 0 && values.size() >= 4 && "table".equals(values.get(0))
                        && values.get(1) instanceof String n && n.equalsIgnoreCase(name) && values.get(3) instanceof Long r) {
                    root[0] = r;
                }
            }

            @Override
            public void unreadable(long rowid, String reason) {
                if (problem[0] == null) {
                    problem[0] = "sqlite_schema row " + rowid + ": " + reason;
                }
            }
        });
        if (root[0] < 0 && problem[0] != null) {
            throw new SqliteException(problem[0]);
        }
        return root[0] < 0 ? Optional.empty() : Optional.of(root[0]);
    }

    /** Visits every row of the rowid table whose B-tree has its root at page {@code root}. */
    public void scan(long root, RowVisitor visitor) throws SqliteException {
        BitSet claimed = new BitSet(pageCount + 1);
        Deque<Integer> todo = new ArrayDeque<>();
        todo.push(claim(claimed, root, "table root"));
        while (!todo.isEmpty()) {
            int number = todo.pop();
            ByteBuffer page = page(number);
            int h = number == 1 ? HEADER : 0;
            int type = u8(page, h);
            if (type == INTERIOR_TABLE) {
                interior(number, page, h, claimed, todo);
            } else if (type == LEAF_TABLE) {
                leaf(number, page, h, claimed, visitor);
            } else {
                throw new SqliteException("page " + number + ": type 0x" + Integer.toHexString(type) + ", not a table B-tree page");
            }
        }
    }

    /** Claims the children (each cell's left child, then the right-most) and stacks them so the leftmost is next. */
    private void interior(int number, ByteBuffer page, int h, BitSet claimed, Deque<Integer> todo) throws SqliteException {
        int[] cells = cells(number, page, h, 12);
        int[] children = new int[cells.length + 1];
        for (int i = 0; i < cells.length; i++) {
            Cursor c = new Cursor(page, cells[i], usable, "page " + number + " cell " + i);
            children[i] = claim(claimed, c.u32(), c.where);
            c.varint();   // the key: the largest rowid on the left
        }
        children[cells.length] = claim(claimed, u32(page, h + 8), "page " + number + " right-most pointer");
        for (int i = children.length - 1; i >= 0; i--) {
            todo.push(children[i]);
        }
    }

    private void leaf(int number, ByteBuffer page, int h, BitSet claimed, RowVisitor visitor) throws SqliteException {
        int[] cells = cells(number, page, h, 8);
        for (int i = 0; i < cells.length; i++) {
            Cursor c = new Cursor(page, cells[i], usable, "page " + number + " cell " + i);
            long size = c.varint();
            long rowid = c.varint();
            if (size < 0 || size > data.limit()) {
                throw new SqliteException(c.where + ": payload of " + Long.toUnsignedString(size) + " bytes, more than the file");
            }
            if (size > MAX_PAYLOAD) {
                visitor.unreadable(rowid, "payload of " + size + " bytes, more than the " + RootedFs.limit(MAX_PAYLOAD) + " read for a row");
                continue;
            }
            byte[] payload = new byte[(int) size];
            int local = localSize(payload.length);
            c.bytes(payload, 0, local);
            if (local < payload.length) {
                overflow(c.u32(), payload, local, claimed, c.where);
            }
            List<Object> values;
            try {
                values = record(payload);
            } catch (SqliteException e) {
                visitor.unreadable(rowid, e.getMessage());
                continue;
            }
            visitor.row(rowid, values);
        }
    }

    /** The bytes of a table leaf cell's payload stored on the page itself (the rest overflows). */
    int localSize(int payload) {
        int max = usable - 35;
        if (payload <= max) {
            return payload;
        }
        int min = (usable - 12) * 32 / 255 - 23;
        int k = min + (payload - min) % (usable - 4);
        return k <= max ? k : min;
    }

    /** Fills {@code payload} from {@code from} on with the overflow chain starting at page {@code first}. */
    private void overflow(long first, byte[] payload, int from, BitSet claimed, String where) throws SqliteException {
        long next = first;
        int at = from;
        while (at < payload.length) {
            if (next == 0) {
                throw new SqliteException(where + ": overflow chain ends after " + at + " of " + payload.length + " bytes");
            }
            int number = claim(claimed, next, where + " overflow");
            ByteBuffer page = page(number);
            int n = Math.min(payload.length - at, usable - 4);
            page.get(4, payload, at, n);
            at += n;
            next = u32(page, 0);
        }
    }

    /** The offsets of a B-tree page's cells, each inside the page's usable part after the pointer array. */
    private int[] cells(int number, ByteBuffer page, int h, int headerSize) throws SqliteException {
        int count = u16(page, h + 3);
        int array = h + headerSize;
        int end = array + 2 * count;
        if (end > usable) {
            throw new SqliteException("page " + number + ": " + count + " cells, more than fit in the page");
        }
        int[] offsets = new int[count];
        for (int i = 0; i < count; i++) {
            int offset = u16(page, array + 2 * i);
            if (offset < end || offset >= usable) {
                throw new SqliteException("page " + number + ": cell " + i + " at offset " + offset + ", outside the cell area");
            }
            offsets[i] = offset;
        }
        return offsets;
    }

    /** A page number checked to be in the file and not read before in this scan, now marked read. */
    private int claim(BitSet claimed, long number, String from) throws SqliteException {
        if (number < 1 || number > pageCount) {
            throw new SqliteException(from + ": page " + number + " is not in the file (1 to " + pageCount + ")");
        }
        if (claimed.get((int) number)) {
            throw new SqliteException(from + ": page " + number + " is reached twice");
        }
        claimed.set((int) number);
        return (int) number;
    }

    private ByteBuffer page(int number) {
        return data.slice((number - 1) * pageSize, pageSize);
    }

    /** The values of a record: a header (its size, then one serial type per column), then the values. */
    private List<Object> record(byte[] payload) throws SqliteException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        Cursor header = new Cursor(b, 0, payload.length, "record header");
        long headerSize = header.varint();
        if (headerSize < header.pos || headerSize > payload.length) {
            throw new SqliteException("record header of " + headerSize + " bytes in a payload of " + payload.length);
        }
        header = new Cursor(b, header.pos, (int) headerSize, "record header");
        int body = (int) headerSize;
        List<Object> values = new ArrayList<>();
        while (header.pos < headerSize) {
            long type = header.varint();
            long length = contentSize(type, values.size());
            if (length > payload.length - body) {
                throw new SqliteException("column " + values.size() + " (serial type " + type + ") runs past the record");
            }
            values.add(value(payload, body, (int) length, type));
            body += (int) length;
        }
        return Collections.unmodifiableList(values);
    }

    private static long contentSize(long type, int column) throws SqliteException {
        if (type >= 12) {
            return (type - 12) / 2;
        }
        if (type < 0) {
            throw new SqliteException("column " + column + ": serial type " + Long.toUnsignedString(type) + " is not one");
        }
        return switch ((int) type) {
            case 0, 8, 9 -> 0;
            case 1, 2, 3, 4 -> type;
            case 5 -> 6;
            case 6, 7 -> 8;
            default -> throw new SqliteException("column " + column + ": serial type " + type + " is reserved");
        };
    }

    private Object value(byte[] payload, int offset, int length, long type) {
        if (type >= 12) {
            return type % 2 == 0 ? Arrays.copyOfRange(payload, offset, offset + length) : new String(payload, offset, length, encoding);
        }
        return switch ((int) type) {
            case 0 -> null;
            case 7 -> Double.longBitsToDouble(ByteBuffer.wrap(payload, offset, 8).getLong());
            case 8 -> 0L;
            case 9 -> 1L;
            default -> {   // big-endian two's complement of 1 to 8 bytes
                long v = payload[offset];
                for (int i = 1; i < length; i++) {
                    v = (v << 8) | (payload[offset + i] & 0xff);
                }
                yield v;
            }
        };
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xffff;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xffffffffL;
    }

    /** Reads forward from {@code pos}, never at or past {@code limit}. */
    private static final class Cursor {
        private final ByteBuffer buffer;
        private final int limit;
        private final String where;
        private int pos;

        Cursor(ByteBuffer buffer, int pos, int limit, String where) {
            this.buffer = buffer;
            this.pos = pos;
            this.limit = limit;
            this.where = where;
        }

        private void need(int n) throws SqliteException {
            if (n > limit - pos) {
                throw new SqliteException(where + " at offset " + pos + " runs past its end (" + limit + ")");
            }
        }

        int u8() throws SqliteException {
            need(1);
            return buffer.get(pos++) & 0xff;
        }

        long u32() throws SqliteException {
            need(4);
            long v = buffer.getInt(pos) & 0xffffffffL;
            pos += 4;
            return v;
        }

        /** A big-endian varint: 7 bits from each byte with its high bit set, all 8 bits of a ninth. */
        long varint() throws SqliteException {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                int b = u8();
                v = (v << 7) | (b & 0x7f);
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            return (v << 8) | u8();
        }

        void bytes(byte[] into, int offset, int n) throws SqliteException {
            need(n);
            buffer.get(pos, into, offset, n);
            pos += n;
        }
    }
}
