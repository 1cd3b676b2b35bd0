package io.jguest.api;

/**
 * The result of {@code lstat(2)} in the guest: every field the kernel gives, times with
 * nanoseconds. {@code mode} includes the type bits.
 */
public record FileAttributes(long ino, int mode, long nlink, int uid, int gid, long rdev, long size,
                             long blocks, int blksize, Timespec atime, Timespec mtime, Timespec ctime) {
    public FileType type() {
        return FileType.ofMode(mode);
    }

    /** The permission bits (including setuid, setgid, sticky), without the type. */
    public int permissions() {
        return mode & 07777;
    }

    public boolean isDirectory() {
        return type() == FileType.DIRECTORY;
    }
}
