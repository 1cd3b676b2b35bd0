package io.jguest.inspection.hive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A registry value: name (empty for a key's default value), type and raw data. The data array is
 * copied in and out, so the record is immutable; equality and hash use the data's contents.
 *
 * @param name the value's name as stored
 * @param type one of the {@code REG_*} constants (other numbers are kept as they are)
 * @param data the raw bytes
 */
public record HiveValue(String name, int type, byte[] data) {
    public static final int REG_NONE = 0;
    public static final int REG_SZ = 1;
    public static final int REG_EXPAND_SZ = 2;
    public static final int REG_BINARY = 3;
    public static final int REG_DWORD = 4;
    public static final int REG_DWORD_BIG_ENDIAN = 5;
    public static final int REG_LINK = 6;
    public static final int REG_MULTI_SZ = 7;
    public static final int REG_QWORD = 11;

    /** Bytes of data shown by {@link #toString()}. */
    private static final int SHOWN_BYTES = 32;

    public HiveValue {
        Objects.requireNonNull(name, "name");
        data = Objects.requireNonNull(data, "data").clone();
    }

    /** A copy of the raw bytes. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * REG_SZ / REG_EXPAND_SZ (UTF-16LE, up to the first NUL) as a string. A missing NUL and an odd
     * trailing byte are tolerated (the byte is dropped); any other type is a HiveException.
     */
    public String asString() throws HiveException {
        if (type != REG_SZ && type != REG_EXPAND_SZ) {
            throw new HiveException("value \"" + name + "\" is " + typeName(type) + ", not a string");
        }
        return utf16(0, nul(0));
    }

    /**
     * REG_DWORD or 4-byte REG_BINARY (little-endian), or REG_DWORD_BIG_ENDIAN, as an unsigned
     * number; the data must be exactly 4 bytes.
     */
    public long asDword() throws HiveException {
        if (type != REG_DWORD && type != REG_DWORD_BIG_ENDIAN && type != REG_BINARY) {
            throw new HiveException("value \"" + name + "\" is " + typeName(type) + ", not a DWORD");
        }
        if (data.length != 4) {
            throw new HiveException("value \"" + name + "\" (" + typeName(type) + ") has " + data.length
                    + " bytes, a DWORD has 4");
        }
        return dword();
    }

    /**
     * The value as text for rules: REG_SZ, REG_EXPAND_SZ and REG_LINK as their string (as
     * {@link #asString()}), REG_MULTI_SZ as its strings joined with {@code "\n"} (up to the empty
     * string that ends the list), 4-byte REG_DWORD / REG_DWORD_BIG_ENDIAN and 8-byte REG_QWORD in
     * unsigned decimal, anything else (other types, numbers of the wrong size) as lower-case hex
     * of the bytes ({@code ""} when there are none).
     */
    public String display() {
        return switch (type) {
            case REG_SZ, REG_EXPAND_SZ, REG_LINK -> utf16(0, nul(0));
            case REG_MULTI_SZ -> multiString();
            case REG_DWORD, REG_DWORD_BIG_ENDIAN -> data.length == 4 ? Long.toString(dword()) : hex(data);
            case REG_QWORD -> data.length == 8
                    ? Long.toUnsignedString(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong())
                    : hex(data);
            default -> hex(data);
        };
    }

    /** The 4 bytes of data as an unsigned number, big-endian for REG_DWORD_BIG_ENDIAN. */
    private long dword() {
        ByteOrder order = type == REG_DWORD_BIG_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return Integer.toUnsignedLong(ByteBuffer.wrap(data).order(order).getInt());
    }

    private String multiString() {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at + 1 < data.length) {
            int end = nul(at);
            if (end == at) {
                break;
            }
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(utf16(at, end));
            at = end + 2;
        }
        return out.toString();
    }

    /** The byte index of the first UTF-16 NUL at or after {@code from}, or the last even length. */
    private int nul(int from) {
        int at = from;
        while (at + 1 < data.length && (data[at] != 0 || data[at + 1] != 0)) {
            at += 2;
        }
        return Math.min(at, data.length & ~1);
    }

    private String utf16(int from, int to) {
        return new String(data, from, Math.max(0, to - from), StandardCharsets.UTF_16LE);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** {@code REG_SZ}, ..., or {@code type N} for numbers without a name. */
    static String typeName(int type) {
        return switch (type) {
            case REG_NONE -> "REG_NONE";
            case REG_SZ -> "REG_SZ";
            case REG_EXPAND_SZ -> "REG_EXPAND_SZ";
            case REG_BINARY -> "REG_BINARY";
            case REG_DWORD -> "REG_DWORD";
            case REG_DWORD_BIG_ENDIAN -> "REG_DWORD_BIG_ENDIAN";
            case REG_LINK -> "REG_LINK";
            case REG_MULTI_SZ -> "REG_MULTI_SZ";
            case REG_QWORD -> "REG_QWORD";
            default -> "type " + Integer.toUnsignedString(type);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HiveValue value && value.type == type && value.name.equals(name)
                && Arrays.equals(value.data, data);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + type) * 31 + Arrays.hashCode(data);
    }

    /** Name, type and the data in hex (the first {@value #SHOWN_BYTES} bytes and the length when longer). */
    @Override
    public String toString() {
        String shown = data.length <= SHOWN_BYTES
                ? hex(data)
                : hex(Arrays.copyOf(data, SHOWN_BYTES)) + "... (" + data.length + " bytes)";
        return "HiveValue[name=" + name + ", type=" + typeName(type) + ", data=" + shown + "]";
    }
}
