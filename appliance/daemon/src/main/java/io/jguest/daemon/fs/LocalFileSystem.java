package io.jguest.daemon.fs;

import static io.jguest.daemon.posix.Flags.AT_EMPTY_PATH;
import static io.jguest.daemon.posix.Flags.AT_FDCWD;
import static io.jguest.daemon.posix.Flags.AT_REMOVEDIR;
import static io.jguest.daemon.posix.Flags.AT_SYMLINK_NOFOLLOW;
import static io.jguest.daemon.posix.Flags.O_CREAT;
import static io.jguest.daemon.posix.Flags.O_DIRECTORY;
import static io.jguest.daemon.posix.Flags.O_NOCTTY;
import static io.jguest.daemon.posix.Flags.O_NONBLOCK;
import static io.jguest.daemon.posix.Flags.O_RDONLY;
import static io.jguest.daemon.posix.Flags.O_WRONLY;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import io.jguest.daemon.posix.Dirent;
import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;
import io.jguest.protocol.Wire;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link GuestFileSystem} on the daemon's sysroot, one system call (or a few) per operation. Calls
 * that must not follow a final symlink (lstat, lchown, readlink, unlink, rename, utimens, xattrs)
 * act on the name in its parent directory; chmod, truncate, open, readdir and statvfs follow it,
 * inside the root. Thread-safe.
 */
public final class LocalFileSystem implements GuestFileSystem, AutoCloseable {
    private static final int S_ISGID = 02000;

    private final Sysroot root;
    private final HandleTable handles = new HandleTable();

    public LocalFileSystem(Sysroot root) {
        this.root = root;
    }

    // ---------------------------------------------------------------- metadata

    @Override
    public FileAttributes lstat(String path) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            return e.isSelf()
                    ? Libc.fstatat(e.dir().value(), "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
                    : Libc.fstatat(e.dir().value(), e.name(), AT_SYMLINK_NOFOLLOW);
        }
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        return list(path, false);
    }

    @Override
    public List<DirEntry> readdirPlus(String path) throws GuestFsException {
        return list(path, true);
    }

    private List<DirEntry> list(String path, boolean withAttributes) throws GuestFsException {
        try (Fd dir = root.open(path, O_RDONLY | O_DIRECTORY, 0)) {
            List<DirEntry> entries = new ArrayList<>();
            for (Dirent d : Libc.readDirectory(dir.value())) {
                if (d.isDotOrDotDot()) {
                    continue;
                }
                FileAttributes attrs = withAttributes || d.type() == Dirent.DT_UNKNOWN ? statOrNull(dir, d.name()) : null;
                FileType type = d.type() == Dirent.DT_UNKNOWN && attrs != null ? attrs.type() : d.fileType();
                entries.add(new DirEntry(d.name(), type, d.ino(), withAttributes ? attrs : null));
            }
            return entries;
        }
    }

    @Override
    public List<FileAttributes> lstatList(String dir, List<String> names) throws GuestFsException {
        if (names == null) {
            throw new GuestFsException(Errno.EINVAL, dir, "names is null");
        }
        try (Fd d = root.openPath(dir, true)) {
            List<FileAttributes> out = new ArrayList<>(names.size());
            for (String name : names) {
                out.add(isPlainName(name) ? statOrNull(d, name) : null);
            }
            return out;
        }
    }

    /** A single component that cannot climb out of the directory it is looked up in. */
    private static boolean isPlainName(String name) {
        return name != null && !name.isEmpty() && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0;
    }

    private static FileAttributes statOrNull(Fd dir, String name) {
        try {
            return Libc.fstatat(dir.value(), name, AT_SYMLINK_NOFOLLOW);
        } catch (PosixException e) {
            return null;
        }
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            requireName(e, Errno.EINVAL, path);
            return Libc.readlinkat(e.dir().value(), e.name());
        }
    }

    @Override
    public StatVfs statvfs(String path) throws GuestFsException {
        try (Fd fd = root.openPath(path, true)) {
            return Libc.fstatvfs(fd.value());
        }
    }

    // ---------------------------------------------------------------- open files

    @Override
    public long open(String path, int flags, int mode) throws GuestFsException {
        return handles.add(root.open(path, flags, mode));
    }

    /**
     * One open with {@code O_CREAT}, {@code fchown} of the new descriptor when asked (the group only
     * outside a setgid directory), {@code fstat} of it.
     */
    @Override
    public OpenFile create(String path, int flags, int mode, int uid, int gid) throws GuestFsException {
        return createWrite(path, flags, mode, uid, gid, 0, new byte[0]);
    }

    /** {@link #create}, with {@code pwrite} of {@code data} before the {@code fstat}. */
    @Override
    public OpenFile createWrite(String path, int flags, int mode, int uid, int gid, long offset, byte[] data)
            throws GuestFsException {
        int length = data == null ? 0 : data.length;
        if (length > 0) {
            checkIo("pwrite", length, offset);
        }
        Fd fd = root.open(path, flags | O_CREAT, mode);
        try {
            if (gid != -1 && inSetgidDirectory(path)) {
                gid = -1;   // the kernel gave it the directory's group, as it would for a local create
            }
            if (uid != -1 || gid != -1) {
                Libc.fchownat(fd.value(), "", uid, gid, AT_EMPTY_PATH);
            }
            if (length > 0) {
                Libc.pwriteFully(fd.value(), offset, data);
            }
            FileAttributes attributes = Libc.fstatat(fd.value(), "", AT_EMPTY_PATH);
            return new OpenFile(handles.add(fd), attributes);
        } catch (GuestFsException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    private boolean inSetgidDirectory(String path) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            return !e.isSelf() && (Libc.fstatat(e.dir().value(), "", AT_EMPTY_PATH).mode() & S_ISGID) != 0;
        }
    }

    @Override
    public byte[] pread(long handle, long offset, int length) throws GuestFsException {
        checkIo("pread", length, offset);
        return handles.use(handle, fd -> Libc.preadFully(fd, offset, length));
    }

    /**
     * {@link #pread} into native memory, without a copy: reads {@code into.byteSize()} bytes (fewer
     * only at end of file) and returns how many.
     */
    public int pread(long handle, long offset, MemorySegment into) throws GuestFsException {
        checkIo("pread", into.byteSize(), offset);
        return handles.use(handle, fd -> Libc.preadFully(fd, offset, into));
    }

    /** Where {@link #spliceRead} moves a file's bytes: pipes, filled by {@code splice(2)}. */
    @FunctionalInterface
    public interface SpliceSink {
        /** Moves up to {@code length} bytes of {@code fileFd} from {@code offset}; returns how many (fewer only at end of file). */
        int fill(int fileFd, long offset, int length) throws PosixException;
    }

    /**
     * {@link #pread} without a copy: {@code sink} splices up to {@code length} bytes (fewer only at
     * end of file) from the handle's file while the handle is held. Filesystems without splice
     * support fail with EINVAL.
     */
    public int spliceRead(long handle, long offset, int length, SpliceSink sink) throws GuestFsException {
        checkIo("pread", length, offset);
        return handles.use(handle, fd -> sink.fill(fd, offset, length));
    }

    @Override
    public int pwrite(long handle, long offset, byte[] data) throws GuestFsException {
        if (data == null) {
            throw new GuestFsException(Errno.EINVAL, null, "pwrite of null at " + offset);
        }
        return pwrite(handle, offset, data, 0, data.length);
    }

    /** {@link #pwrite} of {@code length} bytes of {@code data} from index {@code from}, without a copy. */
    public int pwrite(long handle, long offset, byte[] data, int from, int length) throws GuestFsException {
        checkIo("pwrite", length, offset);
        return handles.use(handle, fd -> Libc.pwriteFully(fd, offset, data, from, length));
    }

    private static void checkIo(String what, long length, long offset) throws GuestFsException {
        if (length < 0 || length > Wire.MAX_IO || offset < 0) {
            throw new GuestFsException(Errno.EINVAL, null,
                    what + " of " + length + " bytes at " + offset + " (at most " + Wire.MAX_IO + ")");
        }
    }

    @Override
    public void fsync(long handle, boolean dataOnly) throws GuestFsException {
        handles.use(handle, fd -> {
            Libc.fsync(fd, dataOnly);
            return null;
        });
    }

    @Override
    public void ftruncate(long handle, long size) throws GuestFsException {
        handles.use(handle, fd -> {
            Libc.ftruncate(fd, size);
            return null;
        });
    }

    @Override
    public FileAttributes fstat(long handle) throws GuestFsException {
        return handles.use(handle, fd -> Libc.fstatat(fd, "", AT_EMPTY_PATH));
    }

    /** Through {@code /proc/self/fd/N}: {@code fchmodat} has no AT_EMPTY_PATH before Linux 6.6. */
    @Override
    public void fchmod(long handle, int mode) throws GuestFsException {
        handles.use(handle, fd -> {
            Libc.fchmodat(AT_FDCWD, procPath(fd), mode & 07777, 0);
            return null;
        });
    }

    @Override
    public void fchown(long handle, int uid, int gid) throws GuestFsException {
        handles.use(handle, fd -> {
            Libc.fchownat(fd, "", uid, gid, AT_EMPTY_PATH);
            return null;
        });
    }

    @Override
    public void futimens(long handle, Timespec atime, Timespec mtime) throws GuestFsException {
        handles.use(handle, fd -> {
            Libc.utimensat(AT_FDCWD, procPath(fd), atime, mtime, 0);
            return null;
        });
    }

    private static String procPath(int fd) {
        return "/proc/self/fd/" + fd;
    }

    @Override
    public void release(long handle) throws GuestFsException {
        handles.release(handle);
    }

    /** Number of open handles (for tests and diagnostics). */
    public int openHandles() {
        return handles.size();
    }

    // ---------------------------------------------------------------- namespace changes

    @Override
    public void mkdir(String path, int mode) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            requireName(e, Errno.EEXIST, path);
            Libc.mkdirat(e.dir().value(), e.name(), mode);
        }
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            requireName(e, Errno.EBUSY, path);
            Libc.unlinkat(e.dir().value(), e.name(), AT_REMOVEDIR);
        }
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            requireName(e, Errno.EISDIR, path);
            Libc.unlinkat(e.dir().value(), e.name(), 0);
        }
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        try (Entry src = root.entry(from); Entry dst = root.entry(to)) {
            requireName(src, Errno.EBUSY, from);
            requireName(dst, Errno.EBUSY, to);
            Libc.renameat2(src.dir().value(), src.name(), dst.dir().value(), dst.name(), flags);
        }
    }

    @Override
    public void symlink(String target, String linkPath) throws GuestFsException {
        if (target == null || target.isEmpty()) {
            throw new GuestFsException(Errno.ENOENT, linkPath, "empty symlink target");
        }
        try (Entry e = root.entry(linkPath)) {
            requireName(e, Errno.EEXIST, linkPath);
            Libc.symlinkat(target, e.dir().value(), e.name());
        }
    }

    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        try (Entry src = root.entry(existing); Entry dst = root.entry(newPath)) {
            requireName(src, Errno.EPERM, existing);
            requireName(dst, Errno.EEXIST, newPath);
            Libc.linkat(src.dir().value(), src.name(), dst.dir().value(), dst.name(), 0);
        }
    }

    @Override
    public void mknod(String path, int mode, long rdev) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            requireName(e, Errno.EEXIST, path);
            Libc.mknodat(e.dir().value(), e.name(), mode, rdev);
        }
    }

    // ---------------------------------------------------------------- attributes

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        try (Fd fd = root.openPath(path, true)) {
            Libc.fchmodat(AT_FDCWD, fd.procPath(), mode & 07777, 0);
        }
    }

    @Override
    public void lchown(String path, int uid, int gid) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            if (e.isSelf()) {
                Libc.fchownat(e.dir().value(), "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            } else {
                Libc.fchownat(e.dir().value(), e.name(), uid, gid, AT_SYMLINK_NOFOLLOW);
            }
        }
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        try (Fd fd = root.open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY, 0)) {
            Libc.ftruncate(fd.value(), size);
        }
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        Timespec a = atime == null ? Timespec.NOW : atime;
        Timespec m = mtime == null ? Timespec.NOW : mtime;
        try (Entry e = root.entry(path)) {
            if (e.isSelf()) {
                Libc.utimensat(AT_FDCWD, e.procPath(), a, m, 0);
            } else {
                Libc.utimensat(e.dir().value(), e.name(), a, m, AT_SYMLINK_NOFOLLOW);
            }
        }
    }

    // ---------------------------------------------------------------- extended attributes

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            return Libc.getxattr(e.procPath(), requireXattrName(name), e.isSelf());
        }
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            return Libc.listxattr(e.procPath(), e.isSelf());
        }
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        if (value == null) {
            throw new GuestFsException(Errno.EINVAL, path, "xattr value is null");
        }
        try (Entry e = root.entry(path)) {
            Libc.setxattr(e.procPath(), requireXattrName(name), value, flags, e.isSelf());
        }
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        try (Entry e = root.entry(path)) {
            Libc.removexattr(e.procPath(), requireXattrName(name), e.isSelf());
        }
    }

    private static String requireXattrName(String name) throws GuestFsException {
        if (name == null || name.isEmpty()) {
            throw new GuestFsException(Errno.EINVAL, null, "empty xattr name");
        }
        return name;
    }

    private static void requireName(Entry e, Errno otherwise, String path) throws GuestFsException {
        if (e.isSelf()) {
            throw new GuestFsException(otherwise, path, "not possible on the root or a path ending in ..");
        }
    }

    /** Closes every open handle. */
    @Override
    public void close() {
        handles.close();
    }
}
