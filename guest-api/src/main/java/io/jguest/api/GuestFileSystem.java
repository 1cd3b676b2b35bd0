package io.jguest.api;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * POSIX operations on the guest's mounted namespace. Paths are absolute guest paths
 * ({@code /etc/fstab}) relative to the root of what was mounted with
 * {@link GuestSession#mount}. Every method blocks until the guest answers and throws
 * {@link GuestFsException} carrying the guest's errno (ENOENT, EEXIST, ENOTEMPTY, EROFS, ...).
 *
 * <p>Thread-safety: implementations are safe for concurrent use by several threads; calls may be in
 * flight at once (the FUSE layer is multithreaded).
 */
public interface GuestFileSystem {
    /** {@code lstat(2)}: does not follow a final symlink. */
    FileAttributes lstat(String path) throws GuestFsException;

    /** The entries of a directory without {@code .} and {@code ..}; attributes are null. */
    List<DirEntry> readdir(String path) throws GuestFsException;

    /** The entries of a directory, each with its {@link FileAttributes}: one round trip. */
    List<DirEntry> readdirPlus(String path) throws GuestFsException;

    /**
     * {@link #readdirPlus} of several directories: one list per directory, in order, null where that
     * directory could not be listed. The default makes one call per directory; the appliance answers
     * in one round trip (what a FUSE mount uses to prefetch the subdirectories of a listed directory).
     */
    default List<List<DirEntry>> readdirPlusMany(List<String> dirs) throws GuestFsException {
        List<List<DirEntry>> out = new java.util.ArrayList<>(dirs.size());
        for (String dir : dirs) {
            try {
                out.add(readdirPlus(dir));
            } catch (GuestFsException e) {
                if (e.errno() == Errno.EIO) {
                    throw e;
                }
                out.add(null);
            }
        }
        return out;
    }

    /**
     * {@code lstat} of several names in one directory in one round trip. The result has one element
     * per name, null where that name could not be stat'ed.
     */
    List<FileAttributes> lstatList(String dir, List<String> names) throws GuestFsException;

    String readlink(String path) throws GuestFsException;

    /**
     * {@code open(2)} with Linux {@link OpenFlags}; {@code mode} applies when creating. Returns a
     * handle for {@link #pread}, {@link #pwrite}, {@link #fsync}, {@link #ftruncate},
     * {@link #release}.
     */
    long open(String path, int flags, int mode) throws GuestFsException;

    /**
     * Creates (or opens, without {@code O_EXCL}) a regular file and returns its handle with its
     * attributes, owned by {@code uid}/{@code gid} when they are not -1, as if that user had made it:
     * under a setgid directory the file keeps the directory's group instead of {@code gid}. What FUSE
     * {@code create} needs. {@code flags} should contain {@link OpenFlags#O_CREAT}. The default costs
     * up to four calls; the appliance answers it in one round trip.
     */
    default OpenFile create(String path, int flags, int mode, int uid, int gid) throws GuestFsException {
        long handle = open(path, flags | OpenFlags.O_CREAT, mode);
        try {
            int slash = path.lastIndexOf('/');
            if (gid != -1 && slash >= 0 && (lstat(slash == 0 ? "/" : path.substring(0, slash)).mode() & 02000) != 0) {
                gid = -1;
            }
            if (uid != -1 || gid != -1) {
                lchown(path, uid, gid);
            }
            return new OpenFile(handle, lstat(path));
        } catch (GuestFsException e) {
            try {
                release(handle);
            } catch (GuestFsException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * {@link #create}, then {@code data} (may be empty) written at {@code offset}, in one round trip
     * where the implementation can: the handle and the attributes after the write. When the write
     * fails the file stays created but the handle is closed and the write's error thrown.
     */
    default OpenFile createWrite(String path, int flags, int mode, int uid, int gid, long offset, byte[] data)
            throws GuestFsException {
        OpenFile f = create(path, flags, mode, uid, gid);
        if (data.length == 0) {
            return f;
        }
        try {
            int done = 0;
            while (done < data.length) {
                byte[] part = done == 0 ? data : Arrays.copyOfRange(data, done, data.length);
                int n = pwrite(f.handle(), offset + done, part);
                if (n <= 0) {
                    throw new GuestFsException(Errno.EIO, path, "short write at offset " + (offset + done));
                }
                done += n;
            }
            return new OpenFile(f.handle(), fstat(f.handle()));
        } catch (GuestFsException e) {
            try {
                release(f.handle());
            } catch (GuestFsException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** {@link #createWrite} without waiting where the implementation can; by default synchronous. */
    default CompletableFuture<OpenFile> createWriteAsync(String path, int flags, int mode, int uid, int gid, long offset,
                                                         byte[] data) {
        try {
            return CompletableFuture.completedFuture(createWrite(path, flags, mode, uid, gid, offset, data));
        } catch (GuestFsException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Reads up to {@code length} bytes; fewer only at end of file. */
    byte[] pread(long handle, long offset, int length) throws GuestFsException;

    /** Writes all of {@code data}; returns the byte count written. */
    int pwrite(long handle, long offset, byte[] data) throws GuestFsException;

    void fsync(long handle, boolean dataOnly) throws GuestFsException;

    void ftruncate(long handle, long size) throws GuestFsException;

    /** {@code fstat(2)} of an open file: what it is even when no name leads to it any more (link count 0). */
    FileAttributes fstat(long handle) throws GuestFsException;

    /** {@code fchmod(2)} of an open file (which no name may lead to any more). */
    void fchmod(long handle, int mode) throws GuestFsException;

    /** {@code fchown(2)} of an open file; -1 leaves a value unchanged. */
    void fchown(long handle, int uid, int gid) throws GuestFsException;

    /** {@code futimens(2)} of an open file; {@link Timespec#NOW}/{@link Timespec#OMIT} work. */
    void futimens(long handle, Timespec atime, Timespec mtime) throws GuestFsException;

    /** Closes the handle. Unknown handles give EBADF. */
    void release(long handle) throws GuestFsException;

    /**
     * {@link #release} of several handles, without waiting for the guest where the implementation
     * can (one round trip): every handle is closed; the future fails with the first failure. By
     * default the handles are released one by one, synchronously.
     */
    default CompletableFuture<Void> releaseAllAsync(List<Long> handles) {
        GuestFsException first = null;
        for (long h : handles) {
            try {
                release(h);
            } catch (GuestFsException e) {
                first = first == null ? e : first;
            }
        }
        return first == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(first);
    }

    void mkdir(String path, int mode) throws GuestFsException;

    void rmdir(String path) throws GuestFsException;

    void unlink(String path) throws GuestFsException;

    /** {@code renameat2(2)}; flags 0 is plain rename. */
    void rename(String from, String to, int flags) throws GuestFsException;

    void symlink(String target, String linkPath) throws GuestFsException;

    void link(String existing, String newPath) throws GuestFsException;

    void mknod(String path, int mode, long rdev) throws GuestFsException;

    void chmod(String path, int mode) throws GuestFsException;

    /** {@code lchown(2)}; -1 leaves a value unchanged. */
    void lchown(String path, int uid, int gid) throws GuestFsException;

    void truncate(String path, long size) throws GuestFsException;

    /** {@code utimensat(2)} without following symlinks; {@link Timespec#NOW}/{@link Timespec#OMIT} work. */
    void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException;

    StatVfs statvfs(String path) throws GuestFsException;

    /** {@code lgetxattr(2)}; ENODATA when absent. */
    byte[] getxattr(String path, String name) throws GuestFsException;

    List<String> listxattr(String path) throws GuestFsException;

    /** {@code lsetxattr(2)}; flags are XATTR_CREATE (1) / XATTR_REPLACE (2). */
    void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException;

    void removexattr(String path, String name) throws GuestFsException;
}
