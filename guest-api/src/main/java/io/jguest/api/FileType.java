package io.jguest.api;

/** The type bits of a mode ({@code S_IFMT}), by name. */
public enum FileType {
    REGULAR(0100000), DIRECTORY(0040000), SYMLINK(0120000), CHAR_DEVICE(0020000),
    BLOCK_DEVICE(0060000), FIFO(0010000), SOCKET(0140000), UNKNOWN(0);

    /** Mask of the type bits in a mode. */
    public static final int S_IFMT = 0170000;

    private final int bits;

    FileType(int bits) {
        this.bits = bits;
    }

    /** The {@code S_IF*} bits of this type (0 for {@link #UNKNOWN}). */
    public int bits() {
        return bits;
    }

    /** The type encoded in the {@code S_IFMT} bits of {@code mode}. */
    public static FileType ofMode(int mode) {
        int t = mode & S_IFMT;
        for (FileType ft : values()) {
            if (ft.bits == t && ft != UNKNOWN) {
                return ft;
            }
        }
        return UNKNOWN;
    }
}
