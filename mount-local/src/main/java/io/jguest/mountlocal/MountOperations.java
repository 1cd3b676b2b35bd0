package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.GuestFsException;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import java.util.List;

/**
 * The filesystem operations FUSE asks for, in the project's types: what the jnr-fuse adapter
 * ({@code io.jguest.mountlocal.jnr}) calls, and what {@link GuestMount} implements over a
 * {@link io.jguest.api.GuestFileSystem}. Paths are absolute paths inside the mount ({@code /},
 * {@code /etc/fstab}). Every failure is a {@link GuestFsException} whose errno the adapter returns
 * to the kernel (negated); any other exception becomes EIO there.
 *
 * <p>Called from several libfuse threads at once: implementations are thread-safe. {@code fh} is the
 * value {@link #open}/{@link #create} returned for that open file. The operations on an open file
 * ({@link #fgetattr}, {@link #read}, {@link #write}, {@link #flush}, {@link #fsync},
 * {@link #ftruncate}, {@link #release}) get a null path when no name leads to the file any more;
 * any other operation then answers ENOENT.
 */
public interface MountOperations {
    FileAttributes getattr(String path) throws GuestFsException;

    /** getattr of an open file (libfuse's fgetattr); must reflect writes not yet sent to the guest. */
    FileAttributes fgetattr(String path, long fh) throws GuestFsException;

    /**
     * The whole listing of a directory, without {@code .} and {@code ..}; entries carry attributes
     * when known (the adapter passes mode and inode to libfuse).
     */
    List<DirEntry> readdir(String path) throws GuestFsException;

    String readlink(String path) throws GuestFsException;

    /** {@code open(2)} flags as Linux defines them; returns the file handle. */
    long open(String path, int flags) throws GuestFsException;

    /** Creates and opens a regular file owned by the caller; {@link #fgetattr} answers right after. */
    long create(String path, int flags, int mode, Caller caller) throws GuestFsException;

    /** Up to {@code size} bytes at {@code offset}; shorter only at end of file. */
    byte[] read(String path, long fh, long offset, int size) throws GuestFsException;

    /** Writes {@code length} bytes of {@code data} from index 0; returns the count written. */
    int write(String path, long fh, long offset, byte[] data, int length) throws GuestFsException;

    /** On every close(2) of a descriptor of the file: sends buffered writes and reports their errors. */
    void flush(String path, long fh) throws GuestFsException;

    void fsync(String path, long fh, boolean dataOnly) throws GuestFsException;

    /** Last close: sends what is still buffered and closes the guest handle. */
    void release(String path, long fh) throws GuestFsException;

    void mkdir(String path, int mode, Caller caller) throws GuestFsException;

    void rmdir(String path) throws GuestFsException;

    void unlink(String path) throws GuestFsException;

    /** {@code renameat2} flags (RENAME_NOREPLACE 1, RENAME_EXCHANGE 2); plain rename is 0. */
    void rename(String from, String to, int flags) throws GuestFsException;

    void symlink(String target, String linkPath, Caller caller) throws GuestFsException;

    void link(String existing, String newPath) throws GuestFsException;

    void mknod(String path, int mode, long rdev, Caller caller) throws GuestFsException;

    void chmod(String path, int mode) throws GuestFsException;

    /** -1 leaves a value unchanged. Never follows a final symlink. */
    void chown(String path, int uid, int gid) throws GuestFsException;

    void truncate(String path, long size) throws GuestFsException;

    void ftruncate(String path, long fh, long size) throws GuestFsException;

    /** {@link Timespec#NOW} and {@link Timespec#OMIT} work as in utimensat(2). */
    void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException;

    StatVfs statfs(String path) throws GuestFsException;

    /** {@code access(2)} mask bits R_OK 4, W_OK 2, X_OK 1, F_OK 0, checked for {@code caller}. */
    void access(String path, int mask, Caller caller) throws GuestFsException;

    /** ENODATA when absent. */
    byte[] getxattr(String path, String name) throws GuestFsException;

    List<String> listxattr(String path) throws GuestFsException;

    /** flags XATTR_CREATE 1, XATTR_REPLACE 2. */
    void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException;

    void removexattr(String path, String name) throws GuestFsException;
}
