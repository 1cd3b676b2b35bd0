package io.jguest.inspection.hive;

import java.nio.charset.StandardCharsets;

/**
 * The data of one allocated cell, already checked to lie inside the hive; every read is checked
 * against the cell's length.
 *
 * @param lookup the operation that resolved it (for budgets and errors)
 * @param offset the cell's offset relative to the end of the base block (for messages)
 * @param what   what the cell should hold ("key", "value"), for messages
 * @param start  absolute position of the first data byte (after the size field)
 * @param length number of data bytes
 */
record Cell(Lookup lookup, int offset, String what, int start, int length) {

    /** Fails unless {@code [pos, pos + count)} lies inside this cell's data. */
    void require(int pos, long count, String field) throws HiveException {
        if (pos < 0 || count < 0 || pos > length || count > length - pos) {
            throw lookup.fail(this + ": " + field + " (" + count + " bytes at +0x" + Integer.toHexString(pos)
                    + ") does not fit in the cell's " + length + " bytes");
        }
    }

    int u16(int pos) throws HiveException {
        require(pos, 2, "a 16-bit field");
        return Short.toUnsignedInt(lookup.hive().data().getShort(start + pos));
    }

    int i32(int pos) throws HiveException {
        require(pos, 4, "a 32-bit field");
        return lookup.hive().data().getInt(start + pos);
    }

    long u32(int pos) throws HiveException {
        return Integer.toUnsignedLong(i32(pos));
    }

    byte[] bytes(int pos, int count, String field) throws HiveException {
        require(pos, count, field);
        byte[] out = new byte[count];
        lookup.hive().data().get(start + pos, out);
        return out;
    }

    /** The two-byte signature at the start ("nk", "lh"...). */
    String signature() throws HiveException {
        require(0, 2, "the signature");
        byte a = lookup.hive().data().get(start);
        byte b = lookup.hive().data().get(start + 1);
        return new String(new byte[] {a, b}, StandardCharsets.ISO_8859_1);
    }

    /** Fails unless the cell starts with {@code expected}. */
    void expect(String expected) throws HiveException {
        String found = signature();
        if (!found.equals(expected)) {
            throw lookup.fail(this + ": signature " + printable(found) + ", expected \"" + expected + "\"");
        }
    }

    /** A name stored at {@code pos}: Latin-1 when {@code latin1} (the "compressed" flag), else UTF-16LE. */
    String name(int pos, int count, boolean latin1) throws HiveException {
        byte[] raw = bytes(pos, count, "the name");
        return new String(raw, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16LE);
    }

    static String printable(String signature) {
        boolean plain = signature.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (plain) {
            return "\"" + signature + "\"";
        }
        StringBuilder hex = new StringBuilder("0x");
        signature.chars().forEach(c -> hex.append(String.format("%02x", c)));
        return hex.toString();
    }

    @Override
    public String toString() {
        return what + " at 0x" + Integer.toHexString(offset);
    }
}
