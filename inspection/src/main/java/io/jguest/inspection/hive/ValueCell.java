package io.jguest.inspection.hive;

/**
 * A value read from its {@code vk} cell: name, type, and where its data is. The data is read only
 * by {@link #value}: up to 4 bytes inline in the offset field (high bit of the size set), else a
 * cell of its own, or, when it is larger than its cell, a {@code db} big-data record (segments of
 * at most {@value #SEGMENT} bytes). No value over {@value #MAX_VALUE_BYTES} bytes is read, and
 * nothing is allocated before the cells holding the data have been checked.
 */
final class ValueCell {
    /** Largest value data read (no real value comes near it). */
    static final int MAX_VALUE_BYTES = 16 << 20;
    /** Data bytes per big-data segment. */
    static final int SEGMENT = 16344;
    /** vk flag: the name is stored in Latin-1 ("compressed"), not UTF-16LE. */
    private static final int VALUE_COMP_NAME = 0x0001;
    private static final int INLINE = 0x80000000;

    private final Cell vk;
    private final String name;
    private final int type;
    private final int size;
    private final int dataCell;

    private ValueCell(Cell vk, String name, int type, int size, int dataCell) {
        this.vk = vk;
        this.name = name;
        this.type = type;
        this.size = size;
        this.dataCell = dataCell;
    }

    static ValueCell read(Lookup lookup, int offset) throws HiveException {
        Cell vk = lookup.cell(offset, "value");
        vk.expect("vk");
        int nameLength = vk.u16(0x02);
        int size = vk.i32(0x04);
        int dataCell = vk.i32(0x08);
        int type = vk.i32(0x0C);
        int flags = vk.u16(0x10);
        String name = vk.name(0x14, nameLength, (flags & VALUE_COMP_NAME) != 0);
        return new ValueCell(vk, name, type, size, dataCell);
    }

    String name() {
        return name;
    }

    /** The value with its data. */
    HiveValue value(Lookup lookup) throws HiveException {
        return new HiveValue(name, type, data(lookup));
    }

    private byte[] data(Lookup lookup) throws HiveException {
        String of = "value \"" + name + "\" (" + vk + ")";
        if ((size & INLINE) != 0) {
            int length = size & ~INLINE;
            if (length > 4) {
                throw lookup.fail(of + ": " + length + " bytes of inline data, at most 4 fit");
            }
            return vk.bytes(0x08, length, "the inline data");
        }
        if (size == 0) {
            return new byte[0];
        }
        if (size > MAX_VALUE_BYTES) {
            throw lookup.fail(of + ": claims " + Integer.toUnsignedString(size) + " bytes of data, more than the limit of "
                    + MAX_VALUE_BYTES);
        }
        lookup.spend(size);
        Cell cell = lookup.cell(dataCell, "data of value \"" + name + "\"");
        if (size <= cell.length()) {
            return cell.bytes(0, size, "the value data");
        }
        if (!cell.signature().equals("db")) {
            throw lookup.fail(cell + ": " + size + " bytes of data do not fit in the cell's " + cell.length() + " bytes");
        }
        return bigData(lookup, cell);
    }

    /** The {@code size} bytes held by the segments of the {@code db} record {@code db}. */
    private byte[] bigData(Lookup lookup, Cell db) throws HiveException {
        int segments = db.u16(2);
        if ((long) segments * SEGMENT < size) {
            throw lookup.fail(db + ": " + segments + " segments cannot hold " + size + " bytes");
        }
        Cell list = lookup.cell(db.i32(4), "segment list of value \"" + name + "\"");
        list.require(0, (long) segments * 4, segments + " segment offsets");
        int needed = (size + SEGMENT - 1) / SEGMENT;
        Cell[] cells = new Cell[needed];
        int remaining = size;
        for (int i = 0; i < needed; i++) {
            Cell segment = lookup.cell(list.i32(4 * i), "segment " + i + " of value \"" + name + "\"");
            segment.require(0, Math.min(remaining, SEGMENT), "the segment's data");
            cells[i] = segment;
            remaining -= SEGMENT;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (Cell segment : cells) {
            int chunk = Math.min(size - at, SEGMENT);
            lookup.hive().data().get(segment.start(), out, at, chunk);
            at += chunk;
        }
        return out;
    }
}
