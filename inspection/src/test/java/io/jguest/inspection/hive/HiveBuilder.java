package io.jguest.inspection.hive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writes small regf hives cell by cell, for the structures hivex never writes (li and ri subkey
 * lists, db big-data records) and for hostile hives (any field can be patched afterwards). Cells
 * are laid out in order in one hbin; offsets returned are relative to the end of the base block, as
 * in the file. The result is a valid hive as far as the format goes (hivex reads it).
 */
final class HiveBuilder {
    private static final int CELLS_START = Hive.BASE_BLOCK + Hive.HBIN_HEADER;

    private ByteBuffer cells = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    /** Appends a cell holding {@code data} (padded to a multiple of 8); returns its offset. */
    int cell(byte[] data) {
        int size = (4 + data.length + 7) & ~7;
        ensure(size);
        int offset = cells.position() + Hive.HBIN_HEADER;
        cells.putInt(-size).put(data).put(new byte[size - 4 - data.length]);
        return offset;
    }

    private void ensure(int more) {
        if (cells.remaining() < more + 8) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(cells.capacity() * 2, cells.position() + more + 8))
                    .order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(cells.flip());
            cells = bigger;
        }
    }

    /** Overwrites the 32-bit field at {@code pos} of the data of the cell at {@code cell}. */
    HiveBuilder patch(int cell, int pos, int value) {
        cells.putInt(cell - Hive.HBIN_HEADER + 4 + pos, value);
        return this;
    }

    /** Overwrites the 16-bit field at {@code pos} of the data of the cell at {@code cell}. */
    HiveBuilder patch16(int cell, int pos, int value) {
        cells.putShort(cell - Hive.HBIN_HEADER + 4 + pos, (short) value);
        return this;
    }

    /** A key cell ({@code nk}) with the given lists (-1 for none). */
    int nk(String name, int subkeyCount, int subkeyList, int valueCount, int valueList) {
        byte[] stored = stored(name);
        ByteBuffer nk = record(0x4C + stored.length, "nk");
        nk.putShort(0x02, (short) (latin1(name) ? 0x20 : 0));
        nk.putInt(0x10, -1); // parent: set by adopt (the reader does not use it, hivex does)
        nk.putInt(0x14, subkeyCount);
        nk.putInt(0x1C, subkeyList);
        nk.putInt(0x20, -1);
        nk.putInt(0x24, valueCount);
        nk.putInt(0x28, valueList);
        nk.putInt(0x2C, -1);
        nk.putInt(0x30, -1);
        nk.putShort(0x48, (short) stored.length);
        nk.put(0x4C, stored);
        return cell(nk.array());
    }

    /** A key with its subkeys in one lh list and its values in one value list. */
    int key(String name, int[] subkeys, int[] values) {
        int key = nk(name, subkeys.length, subkeys.length == 0 ? -1 : lh(subkeys), values.length,
                values.length == 0 ? -1 : valueList(values));
        return adopt(key, subkeys);
    }

    /** Sets the parent field of each of {@code children} to {@code parent}; returns the parent. */
    int adopt(int parent, int... children) {
        for (int child : children) {
            patch(child, 0x10, parent);
        }
        return parent;
    }

    /** A value cell ({@code vk}): inline up to 4 bytes, else one data cell, else a db record when {@code big}. */
    int vk(String name, int type, byte[] data, boolean big) {
        byte[] stored = stored(name);
        ByteBuffer vk = record(0x14 + stored.length, "vk");
        vk.putShort(0x02, (short) stored.length);
        if (data.length <= 4) {
            vk.putInt(0x04, 0x80000000 | data.length);
            vk.put(0x08, data);
        } else {
            vk.putInt(0x04, data.length);
            vk.putInt(0x08, big ? db(data) : cell(data));
        }
        vk.putInt(0x0C, type);
        vk.putShort(0x10, (short) (latin1(name) ? 1 : 0));
        vk.put(0x14, stored);
        return cell(vk.array());
    }

    int vk(String name, int type, byte[] data) {
        return vk(name, type, data, false);
    }

    /**
     * A db record: segments of 16344 bytes, a segment list, the header. Each segment cell has 4
     * bytes to spare after its data (a full one is 16352 bytes, as Windows makes them): hivex takes
     * a segment's data length to be its cell size minus 8 and would otherwise lose a short tail.
     */
    int db(byte[] data) {
        int count = (data.length + ValueCell.SEGMENT - 1) / ValueCell.SEGMENT;
        int[] segments = new int[count];
        for (int i = 0; i < count; i++) {
            int from = i * ValueCell.SEGMENT;
            int to = Math.min(data.length, from + ValueCell.SEGMENT);
            segments[i] = cell(Arrays.copyOf(Arrays.copyOfRange(data, from, to), to - from + 4));
        }
        ByteBuffer db = record(8, "db");
        db.putShort(2, (short) count);
        db.putInt(4, offsets(segments));
        return cell(db.array());
    }

    /** A cell of bare offsets (a value list, a db segment list). */
    int offsets(int... offsets) {
        ByteBuffer list = ByteBuffer.allocate(4 * offsets.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int offset : offsets) {
            list.putInt(offset);
        }
        return cell(list.array());
    }

    int valueList(int... values) {
        return offsets(values);
    }

    int lh(int... keys) {
        return pairs("lh", keys);
    }

    int lf(int... keys) {
        return pairs("lf", keys);
    }

    int li(int... keys) {
        return single("li", keys);
    }

    int ri(int... lists) {
        return single("ri", lists);
    }

    private int pairs(String signature, int[] keys) {
        ByteBuffer list = record(4 + 8 * keys.length, signature);
        list.putShort(2, (short) keys.length);
        for (int i = 0; i < keys.length; i++) {
            list.putInt(4 + 8 * i, keys[i]);
            list.putInt(8 + 8 * i, hash(signature, keys[i]));
        }
        return cell(list.array());
    }

    private int single(String signature, int[] targets) {
        ByteBuffer list = record(4 + 4 * targets.length, signature);
        list.putShort(2, (short) targets.length);
        for (int i = 0; i < targets.length; i++) {
            list.putInt(4 + 4 * i, targets[i]);
        }
        return cell(list.array());
    }

    /** lh: the name's hash (each upper-cased char: h = h * 37 + c); lf: its first 4 bytes. */
    private int hash(String signature, int key) {
        int at = key - Hive.HBIN_HEADER + 4;
        int length = Short.toUnsignedInt(cells.getShort(at + 0x48));
        byte[] raw = new byte[length];
        cells.get(at + 0x4C, raw);
        boolean latin1 = (cells.getShort(at + 2) & 0x20) != 0;
        String name = new String(raw, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16LE);
        if (signature.equals("lf")) {
            return ByteBuffer.wrap(Arrays.copyOf(raw, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
        int h = 0;
        for (char c : name.toUpperCase(Locale.ROOT).toCharArray()) {
            h = h * 37 + c;
        }
        return h;
    }

    private static ByteBuffer record(int size, String signature) {
        ByteBuffer record = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        record.put(0, signature.getBytes(StandardCharsets.US_ASCII));
        return record;
    }

    private static boolean latin1(String name) {
        return name.chars().allMatch(c -> c < 0x100);
    }

    private static byte[] stored(String name) {
        return name.getBytes(latin1(name) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16LE);
    }

    /** The hive file: base block (with checksum), one hbin holding the cells and a free cell after them. */
    byte[] build(int rootCell) {
        int used = cells.position();
        int binSize = (Hive.HBIN_HEADER + used + 8 + 0xFFF) & ~0xFFF;
        ByteBuffer file = ByteBuffer.allocate(Hive.BASE_BLOCK + binSize).order(ByteOrder.LITTLE_ENDIAN);
        file.put(0, "regf".getBytes(StandardCharsets.US_ASCII));
        file.putInt(0x04, 1).putInt(0x08, 1).putInt(0x14, 1).putInt(0x18, 5).putInt(0x20, 1);
        file.putInt(0x24, rootCell).putInt(0x28, binSize).putInt(0x2C, 1);
        int sum = 0;
        for (int i = 0; i < 0x1FC; i += 4) {
            sum ^= file.getInt(i);
        }
        file.putInt(0x1FC, sum);
        file.put(Hive.BASE_BLOCK, "hbin".getBytes(StandardCharsets.US_ASCII));
        file.putInt(Hive.BASE_BLOCK + 4, 0).putInt(Hive.BASE_BLOCK + 8, binSize);
        file.put(CELLS_START, cells.array(), 0, used);
        file.putInt(CELLS_START + used, binSize - Hive.HBIN_HEADER - used);
        byte[] out = file.array();
        // the root key is flagged as such (KEY_HIVE_ENTRY | KEY_NO_DELETE)
        int flags = Hive.BASE_BLOCK + rootCell + 4 + 2;
        if (rootCell >= Hive.HBIN_HEADER && rootCell + 8 <= Hive.HBIN_HEADER + used) {
            out[flags] |= 0x0C;
        }
        return out;
    }
}
