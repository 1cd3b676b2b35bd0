package io.jguest.inspection.hive;

/**
 * A registry value: name (empty for a key's default value), type and raw data.
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

    /** REG_SZ / REG_EXPAND_SZ (UTF-16LE, up to the first NUL) as a string. */
    public String asString() throws HiveException {
        throw new UnsupportedOperationException("contract only");
    }

    /** REG_DWORD (or 4-byte REG_BINARY/REG_DWORD_BIG_ENDIAN) as an unsigned number. */
    public long asDword() throws HiveException {
        throw new UnsupportedOperationException("contract only");
    }

    /** The value as text for rules: strings as they are, numbers in decimal, other data as lower-case hex. */
    public String display() {
        throw new UnsupportedOperationException("contract only");
    }
}
