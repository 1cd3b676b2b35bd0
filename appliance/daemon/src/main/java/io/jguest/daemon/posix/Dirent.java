package io.jguest.daemon.posix;

import io.jguest.api.FileType;

/** One {@code linux_dirent64}: name, inode number and the {@code d_type} byte. */
public record Dirent(String name, long ino, int type) {
    public static final int DT_UNKNOWN = 0;

    /** The type {@code d_type} names; {@link FileType#UNKNOWN} when the filesystem did not say. */
    public FileType fileType() {
        return switch (type) {
            case 1 -> FileType.FIFO;
            case 2 -> FileType.CHAR_DEVICE;
            case 4 -> FileType.DIRECTORY;
            case 6 -> FileType.BLOCK_DEVICE;
            case 8 -> FileType.REGULAR;
            case 10 -> FileType.SYMLINK;
            case 12 -> FileType.SOCKET;
            default -> FileType.UNKNOWN;
        };
    }

    /** Whether this is {@code .} or {@code ..}. */
    public boolean isDotOrDotDot() {
        return name.equals(".") || name.equals("..");
    }
}
