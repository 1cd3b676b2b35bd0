package io.jguest.inspection.detect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The B-tree pages of a (well-formed) SQLite file read by hand, for tests that assert its structure
 * or damage chosen fields of it: absolute offsets into the file, no checks.
 */
final class RawPages {
    final byte[] file;
    final int pageSize;
    final int usable;

    RawPages(byte[] file) {
        this.file = file;
        int raw = ((file[16] & 0xff) << 8) | (file[17] & 0xff);
        this.pageSize = raw == 1 ? 65536 : raw;
        this.usable = pageSize - (file[20] & 0xff);
    }

    int pageCount() {
        return file.length / pageSize;
    }

    /** Offset of the page's start in the file. */
    int start(int page) {
        return (page - 1) * pageSize;
    }

    /** Offset of the page's B-tree header. */
    int header(int page) {
        return start(page) + (page == 1 ? SqliteFile.HEADER : 0);
    }

    int type(int page) {
        return file[header(page)] & 0xff;
    }

    boolean interior(int page) {
        return type(page) == 0x02 || type(page) == 0x05;
    }

    /** Offsets of the page's cells. */
    List<Integer> cells(int page) {
        int h = header(page);
        int count = u16(h + 3);
        int array = h + (interior(page) ? 12 : 8);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(start(page) + u16(array + 2 * i));
        }
        return out;
    }

    /** Offsets of the page's child pointers (each cell's, then the right-most) of an interior page. */
    List<Integer> childFields(int page) {
        List<Integer> out = new ArrayList<>(cells(page));
        out.add(header(page) + 8);
        return out;
    }

    /** The pages of the B-tree with its root at {@code root}, each parent before its children. */
    List<Integer> tree(int root) {
        List<Integer> out = new ArrayList<>();
        out.add(root);
        for (int i = 0; i < out.size(); i++) {
            if (interior(out.get(i))) {
                for (int field : childFields(out.get(i))) {
                    out.add(u32(field));
                }
            }
        }
        return out;
    }

    /** Offsets of the overflow page pointers of a table leaf's cells whose payload overflows. */
    List<Integer> overflowFields(int page, SqliteFile db) {
        List<Integer> out = new ArrayList<>();
        if (type(page) != 0x0d) {
            return out;
        }
        for (int cell : cells(page)) {
            long[] size = varint(cell);
            long[] rowid = varint(cell + (int) size[1]);
            int local = db.localSize((int) size[0]);
            if (local < size[0]) {
                out.add(cell + (int) size[1] + (int) rowid[1] + local);
            }
        }
        return out;
    }

    /** {value, length} of the varint at {@code at}. */
    long[] varint(int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = file[at + i] & 0xff;
            v = (v << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                return new long[] {v, i + 1};
            }
        }
        return new long[] {(v << 8) | (file[at + 8] & 0xff), 9};
    }

    int u16(int at) {
        return ((file[at] & 0xff) << 8) | (file[at + 1] & 0xff);
    }

    int u32(int at) {
        return ByteBuffer.wrap(file).getInt(at);
    }

    void putU32(int at, long value) {
        ByteBuffer.wrap(file).putInt(at, (int) value);
    }
}
