package io.jguest.inspection.hive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A key read from its {@code nk} cell: name, subkey count and list, value count and list. Each
 * public method is one {@link Lookup} (bounded work); a child is one level deeper than its parent,
 * and keys deeper than {@link #MAX_DEPTH} are refused, so no loop of subkey lists can recurse
 * without end. Equal when they are the same cell of the same hive.
 */
final class KeyNode implements HiveKey {
    /** Deepest key nesting accepted (Windows allows 512 levels). */
    static final int MAX_DEPTH = 512;
    /** nk flag: the name is stored in Latin-1 ("compressed"), not UTF-16LE. */
    private static final int KEY_COMP_NAME = 0x20;

    private final Hive hive;
    private final KeyNode parent;
    private final int cell;
    private final int depth;
    private final String name;
    private final long subkeyCount;
    private final int subkeyList;
    private final long valueCount;
    private final int valueList;

    private KeyNode(Hive hive, KeyNode parent, int cell, String name, long subkeyCount, int subkeyList,
            long valueCount, int valueList) {
        this.hive = hive;
        this.parent = parent;
        this.cell = cell;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.name = name;
        this.subkeyCount = subkeyCount;
        this.subkeyList = subkeyList;
        this.valueCount = valueCount;
        this.valueList = valueList;
    }

    static KeyNode root(Hive hive) throws HiveException {
        return read(new Lookup(hive, "root key"), null, hive.rootCell());
    }

    private static KeyNode read(Lookup lookup, KeyNode parent, int offset) throws HiveException {
        if (parent != null && parent.depth >= MAX_DEPTH) {
            throw lookup.fail("keys nested deeper than " + MAX_DEPTH + " levels (a loop in the hive?)");
        }
        Cell nk = lookup.cell(offset, "key");
        nk.expect("nk");
        int flags = nk.u16(0x02);
        long subkeys = nk.u32(0x14);
        int subkeyList = nk.i32(0x1C);
        long values = nk.u32(0x24);
        int valueList = nk.i32(0x28);
        int nameLength = nk.u16(0x48);
        String name = nk.name(0x4C, nameLength, (flags & KEY_COMP_NAME) != 0);
        return new KeyNode(lookup.hive(), parent, offset, name, subkeys, subkeyList, values, valueList);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<HiveKey> subkeys() throws HiveException {
        Lookup lookup = new Lookup(hive, this);
        List<HiveKey> out = new ArrayList<>((int) Math.min(subkeyCount, 256));
        SubkeyLists.walk(lookup, subkeyList, subkeyCount, offset -> out.add(child(lookup, offset)));
        return Collections.unmodifiableList(out);
    }

    @Override
    public Optional<HiveKey> subkey(String wanted) throws HiveException {
        Objects.requireNonNull(wanted, "wanted");
        Lookup lookup = new Lookup(hive, this);
        KeyNode[] found = {null};
        SubkeyLists.walk(lookup, subkeyList, subkeyCount, offset -> {
            KeyNode child = child(lookup, offset);
            if (child.name.equalsIgnoreCase(wanted)) {
                found[0] = child;
                return false;
            }
            return true;
        });
        return Optional.ofNullable(found[0]);
    }

    private KeyNode child(Lookup lookup, int offset) throws HiveException {
        if (offset == cell) {
            throw lookup.fail("the key lists itself as a subkey");
        }
        return read(lookup, this, offset);
    }

    @Override
    public List<HiveValue> values() throws HiveException {
        Lookup lookup = new Lookup(hive, this);
        int[] cells = valueCells(lookup);
        List<HiveValue> out = new ArrayList<>(cells.length);
        for (int offset : cells) {
            out.add(ValueCell.read(lookup, offset).value(lookup));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public Optional<HiveValue> value(String wanted) throws HiveException {
        Objects.requireNonNull(wanted, "wanted");
        Lookup lookup = new Lookup(hive, this);
        for (int offset : valueCells(lookup)) {
            ValueCell vk = ValueCell.read(lookup, offset);
            if (vk.name().equalsIgnoreCase(wanted)) {
                return Optional.of(vk.value(lookup));
            }
        }
        return Optional.empty();
    }

    /** The offsets in the key's value list (checked to fit in the list's cell). */
    private int[] valueCells(Lookup lookup) throws HiveException {
        if (valueCount == 0) {
            return new int[0];
        }
        Cell list = lookup.cell(valueList, "value list");
        list.require(0, valueCount * 4, valueCount + " value offsets");
        int[] cells = new int[(int) valueCount];
        for (int i = 0; i < cells.length; i++) {
            cells[i] = list.i32(4 * i);
        }
        return cells;
    }

    /** The cell offset (relative to the end of the base block): this key's identity in its hive. */
    int cell() {
        return cell;
    }

    /** The path from the root, {@code \} for the root itself. */
    String path() {
        if (parent == null) {
            return "\\";
        }
        StringBuilder path = new StringBuilder();
        for (KeyNode key = this; key.parent != null; key = key.parent) {
            path.insert(0, key.name).insert(0, '\\');
        }
        return path.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyNode key && key.hive == hive && key.cell == cell;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(hive) * 31 + cell;
    }

    @Override
    public String toString() {
        return "key " + path();
    }
}
