package io.jguest.daemon.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jguest.api.FileAttributes;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The libc calls the daemon needs, bound with FFM. Every binding captures {@code errno}; a failing
 * call throws {@link PosixException}. Thread-safe: each call uses its own confined arena, or (the hot
 * ones: stat, getdents, pread, pwrite) its thread's scratch memory or the caller's. Struct
 * layouts are those of x86-64 Linux.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final long SYS_OPENAT2 = 437;
    private static final long OPEN_HOW_SIZE = 24;
    private static final long STAT_SIZE = 144;
    private static final long STATVFS_SIZE = 112;
    private static final int PATH_MAX = 4096;
    private static final int DIRENT_BUFFER = 32 * 1024;
    private static final int EINTR = 4;
    private static final int ERANGE = 34;

    private static final Downcall SYSCALL_OPENAT2 = withErrno("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final Downcall OPENAT = withErrno("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final Downcall CLOSE = withErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Downcall FSTATAT = withErrno("fstatat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final Downcall MKDIRAT = withErrno("mkdirat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Downcall UNLINKAT = withErrno("unlinkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Downcall RENAMEAT2 = withErrno("renameat2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Downcall SYMLINKAT = withErrno("symlinkat",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final Downcall LINKAT = withErrno("linkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final Downcall MKNODAT = withErrno("mknodat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final Downcall FCHMODAT = withErrno("fchmodat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final Downcall FCHOWNAT = withErrno("fchownat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final Downcall READLINKAT = withErrno("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final Downcall UTIMENSAT = withErrno("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final Downcall FSTATVFS = withErrno("fstatvfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final Downcall PREAD = withErrno("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final Downcall PWRITE = withErrno("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final Downcall FSYNC = withErrno("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Downcall FDATASYNC = withErrno("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Downcall FTRUNCATE = withErrno("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final Downcall GETDENTS64 = withErrno("getdents64",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final FunctionDescriptor GETXATTR_DESC =
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG);
    private static final Downcall GETXATTR = withErrno("getxattr", GETXATTR_DESC);
    private static final Downcall LGETXATTR = withErrno("lgetxattr", GETXATTR_DESC);
    private static final FunctionDescriptor LISTXATTR_DESC = FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
    private static final Downcall LISTXATTR = withErrno("listxattr", LISTXATTR_DESC);
    private static final Downcall LLISTXATTR = withErrno("llistxattr", LISTXATTR_DESC);
    private static final FunctionDescriptor SETXATTR_DESC =
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final Downcall SETXATTR = withErrno("setxattr", SETXATTR_DESC);
    private static final Downcall LSETXATTR = withErrno("lsetxattr", SETXATTR_DESC);
    private static final FunctionDescriptor REMOVEXATTR_DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    private static final Downcall REMOVEXATTR = withErrno("removexattr", REMOVEXATTR_DESC);
    private static final Downcall LREMOVEXATTR = withErrno("lremovexattr", REMOVEXATTR_DESC);
    private static final Downcall SYNC = new Downcall("sync", FunctionDescriptor.ofVoid());
    private static final Downcall UMOUNT2 = withErrno("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final Downcall REBOOT = withErrno("reboot", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Downcall CLOCK_SETTIME = withErrno("clock_settime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final Downcall IOCTL = withErrno("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final Downcall PIPE2 = withErrno("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final Downcall FCNTL_INT = withErrno("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final Downcall SPLICE = withErrno("splice",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final int F_SETPIPE_SZ = 1031;
    private static final int SPLICE_F_MOVE = 1;
    private static final Downcall UMASK = new Downcall("umask", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Downcall STRERRORDESC = new Downcall("strerrordesc_np", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final Downcall STRERRORNAME = new Downcall("strerrorname_np", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {
    }

    /**
     * Links bindings that most sessions use (stat, readdir; sync, umount and reboot at the end), as the
     * first link of each costs tens of ms of an emulated CPU: call it on a thread that has time.
     */
    public static void prepare() {
        for (Downcall d : List.of(FSTATAT, GETDENTS64, SYNC, UMOUNT2, REBOOT)) {
            d.find();
        }
    }

    // ---------------------------------------------------------------- open, close

    /** {@code openat2(2)} through {@code syscall(2)}: {@code resolve} takes {@code RESOLVE_*} bits. */
    public static int openat2(int dirfd, String path, int flags, int mode, long resolve) throws PosixException {
        return call("openat2", (a, cs) -> {
            MemorySegment how = a.allocate(OPEN_HOW_SIZE, 8);
            how.set(JAVA_LONG, 0, flags & 0xffffffffL);
            how.set(JAVA_LONG, 8, mode & 0xffffffffL);
            how.set(JAVA_LONG, 16, resolve);
            long r = (long) SYSCALL_OPENAT2.get().invokeExact(cs, SYS_OPENAT2, (long) dirfd, cstr(a, path), how,
                    OPEN_HOW_SIZE);
            return (int) check(r, cs, "openat2");
        });
    }

    public static int openat(int dirfd, String path, int flags, int mode) throws PosixException {
        return call("openat", (a, cs) -> (int) check((int) OPENAT.get().invokeExact(cs, dirfd, cstr(a, path), flags, mode),
                cs, "openat"));
    }

    /** Closes {@code fd}; errors are reported but the descriptor is gone either way (Linux). */
    public static void close(int fd) throws PosixException {
        call("close", (a, cs) -> check((int) CLOSE.get().invokeExact(cs, fd), cs, "close"));
    }

    // ---------------------------------------------------------------- pipes and splice

    /** {@code pipe2(O_CLOEXEC)}: the read end, then the write end. */
    public static int[] pipe() throws PosixException {
        return call("pipe2", (a, cs) -> {
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            check((int) PIPE2.get().invokeExact(cs, fds, Flags.O_CLOEXEC), cs, "pipe2");
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        });
    }

    /** {@code fcntl(F_SETPIPE_SZ)}: the pipe's new capacity (at least {@code bytes}). */
    public static int setPipeSize(int fd, int bytes) throws PosixException {
        return call("fcntl", (a, cs) -> (int) check((int) FCNTL_INT.get().invokeExact(cs, fd, F_SETPIPE_SZ, bytes), cs,
                "fcntl(F_SETPIPE_SZ)"));
    }

    /**
     * Moves up to {@code length} bytes of file {@code fd} from {@code offset} into the pipe
     * {@code pipeWrite} ({@code splice(2)}: page references, no copy), looping over short moves;
     * stops early at the end of the file. The pipe must have room for {@code length} bytes.
     *
     * @return the bytes moved
     */
    public static long spliceFromFile(int fd, long offset, int pipeWrite, long length) throws PosixException {
        Scratch s = Scratch.get();
        MemorySegment off = s.offset;
        long done = 0;
        while (done < length) {
            off.set(JAVA_LONG, 0, offset + done);
            long n;
            try {
                n = (long) SPLICE.get().invokeExact(s.callState, fd, off, pipeWrite, MemorySegment.NULL, length - done,
                        SPLICE_F_MOVE);
            } catch (Throwable t) {
                throw nativeFailure("splice", t);
            }
            if (n < 0 && errno(s.callState) == EINTR) {
                continue;
            }
            check(n, s.callState, "splice");
            if (n == 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Moves exactly {@code length} bytes from the pipe {@code pipeRead} to {@code out} ({@code splice(2)}). */
    public static void spliceToFd(int pipeRead, int out, long length) throws PosixException {
        MemorySegment callState = Scratch.get().callState;
        long done = 0;
        while (done < length) {
            long n;
            try {
                n = (long) SPLICE.get().invokeExact(callState, pipeRead, MemorySegment.NULL, out, MemorySegment.NULL,
                        length - done, SPLICE_F_MOVE);
            } catch (Throwable t) {
                throw nativeFailure("splice", t);
            }
            if (n < 0 && errno(callState) == EINTR) {
                continue;
            }
            check(n, callState, "splice");
            if (n == 0) {
                throw new PosixException(5, "splice: the pipe ran dry " + (length - done) + " bytes early");
            }
            done += n;
        }
    }

    // ---------------------------------------------------------------- metadata

    /**
     * {@code fstatat(2)}; {@code flags} may hold AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. The hottest call
     * (one per entry of a listing): it uses the thread's {@link Scratch} memory, no arena.
     */
    public static FileAttributes fstatat(int dirfd, String path, int flags) throws PosixException {
        Scratch s = Scratch.get();
        MemorySegment p = s.cstr(path);
        if (p == null) {
            return call("fstatat", (a, cs) -> {
                MemorySegment st = a.allocate(STAT_SIZE, 8);
                check((int) FSTATAT.get().invokeExact(cs, dirfd, cstr(a, path), st, flags), cs, "fstatat");
                return attributes(st);
            });
        }
        int r;
        try {
            r = (int) FSTATAT.get().invokeExact(s.callState, dirfd, p, s.stat, flags);
        } catch (Throwable t) {
            throw nativeFailure("fstatat", t);
        }
        check(r, s.callState, "fstatat");
        return attributes(s.stat);
    }

    private static FileAttributes attributes(MemorySegment st) {
        return new FileAttributes(st.get(JAVA_LONG, 8), st.get(JAVA_INT, 24), st.get(JAVA_LONG, 16),
                st.get(JAVA_INT, 28), st.get(JAVA_INT, 32), st.get(JAVA_LONG, 40), st.get(JAVA_LONG, 48),
                st.get(JAVA_LONG, 64), (int) st.get(JAVA_LONG, 56), timespec(st, 72), timespec(st, 88),
                timespec(st, 104));
    }

    public static StatVfs fstatvfs(int fd) throws PosixException {
        return call("fstatvfs", (a, cs) -> {
            MemorySegment s = a.allocate(STATVFS_SIZE, 8);
            check((int) FSTATVFS.get().invokeExact(cs, fd, s), cs, "fstatvfs");
            long[] v = new long[11];
            for (int i = 0; i < v.length; i++) {
                v[i] = s.get(JAVA_LONG, i * 8L);
            }
            return new StatVfs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
        });
    }

    public static void fchmodat(int dirfd, String path, int mode, int flags) throws PosixException {
        call("fchmodat", (a, cs) -> check((int) FCHMODAT.get().invokeExact(cs, dirfd, cstr(a, path), mode, flags), cs,
                "fchmodat"));
    }

    public static void fchownat(int dirfd, String path, int uid, int gid, int flags) throws PosixException {
        call("fchownat", (a, cs) -> check((int) FCHOWNAT.get().invokeExact(cs, dirfd, cstr(a, path), uid, gid, flags), cs,
                "fchownat"));
    }

    /** {@code utimensat(2)}; {@link Timespec#NOW} and {@link Timespec#OMIT} pass through as markers. */
    public static void utimensat(int dirfd, String path, Timespec atime, Timespec mtime, int flags)
            throws PosixException {
        call("utimensat", (a, cs) -> {
            MemorySegment times = a.allocate(32, 8);
            times.set(JAVA_LONG, 0, atime.sec());
            times.set(JAVA_LONG, 8, atime.nsec());
            times.set(JAVA_LONG, 16, mtime.sec());
            times.set(JAVA_LONG, 24, mtime.nsec());
            return check((int) UTIMENSAT.get().invokeExact(cs, dirfd, cstr(a, path), times, flags), cs, "utimensat");
        });
    }

    public static String readlinkat(int dirfd, String path) throws PosixException {
        return call("readlinkat", (a, cs) -> {
            MemorySegment buf = a.allocate(PATH_MAX + 1);
            long n = check((long) READLINKAT.get().invokeExact(cs, dirfd, cstr(a, path), buf, (long) PATH_MAX + 1),
                    cs, "readlinkat");
            if (n > PATH_MAX) {
                throw new PosixException(36, "readlinkat");
            }
            return utf8(buf, n);
        });
    }

    // ---------------------------------------------------------------- namespace changes

    public static void mkdirat(int dirfd, String path, int mode) throws PosixException {
        call("mkdirat", (a, cs) -> check((int) MKDIRAT.get().invokeExact(cs, dirfd, cstr(a, path), mode), cs, "mkdirat"));
    }

    public static void unlinkat(int dirfd, String path, int flags) throws PosixException {
        call("unlinkat", (a, cs) -> check((int) UNLINKAT.get().invokeExact(cs, dirfd, cstr(a, path), flags), cs,
                "unlinkat"));
    }

    public static void renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags)
            throws PosixException {
        call("renameat2", (a, cs) -> check((int) RENAMEAT2.get().invokeExact(cs, olddirfd, cstr(a, oldpath), newdirfd,
                cstr(a, newpath), flags), cs, "renameat2"));
    }

    public static void symlinkat(String target, int dirfd, String linkpath) throws PosixException {
        call("symlinkat", (a, cs) -> check((int) SYMLINKAT.get().invokeExact(cs, cstr(a, target), dirfd,
                cstr(a, linkpath)), cs, "symlinkat"));
    }

    public static void linkat(int olddirfd, String oldpath, int newdirfd, String newpath, int flags)
            throws PosixException {
        call("linkat", (a, cs) -> check((int) LINKAT.get().invokeExact(cs, olddirfd, cstr(a, oldpath), newdirfd,
                cstr(a, newpath), flags), cs, "linkat"));
    }

    public static void mknodat(int dirfd, String path, int mode, long dev) throws PosixException {
        call("mknodat", (a, cs) -> check((int) MKNODAT.get().invokeExact(cs, dirfd, cstr(a, path), mode, dev), cs,
                "mknodat"));
    }

    // ---------------------------------------------------------------- data

    /**
     * Reads until {@code length} bytes or end of file; the result is shorter only at end of file. Reads
     * into the thread's {@link Scratch} buffer (reused, never zeroed), then copies once into the result.
     */
    public static byte[] preadFully(int fd, long offset, int length) throws PosixException {
        MemorySegment buf = Scratch.get().io(length);
        int done = preadFully(fd, offset, buf.asSlice(0, length));
        byte[] out = new byte[done];
        MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, done);
        return out;
    }

    /**
     * Reads into native memory {@code into} until it is full or at end of file, without a copy;
     * returns the number of bytes read (less than its size only at end of file).
     */
    public static int preadFully(int fd, long offset, MemorySegment into) throws PosixException {
        MemorySegment callState = Scratch.get().callState;
        long length = into.byteSize();
        long done = 0;
        while (done < length) {
            long n;
            try {
                n = (long) PREAD.get().invokeExact(callState, fd, into.asSlice(done), length - done, offset + done);
            } catch (Throwable t) {
                throw nativeFailure("pread", t);
            }
            if (n < 0 && errno(callState) == EINTR) {
                continue;
            }
            check(n, callState, "pread");
            if (n == 0) {
                break;
            }
            done += n;
        }
        return (int) done;
    }

    /** Writes all of {@code data} (looping over short writes); returns its length. */
    public static int pwriteFully(int fd, long offset, byte[] data) throws PosixException {
        return pwriteFully(fd, offset, data, 0, data.length);
    }

    /**
     * Writes {@code length} bytes of {@code data} from index {@code from}, looping over short writes,
     * through this thread's native I/O buffer; returns {@code length}. (A critical downcall straight
     * from the heap array saved the copy but showed no measurable gain, so the plain path is kept.)
     */
    public static int pwriteFully(int fd, long offset, byte[] data, int from, int length) throws PosixException {
        Scratch s = Scratch.get();
        MemorySegment buf = s.io(length);
        MemorySegment.copy(data, from, buf, JAVA_BYTE, 0, length);
        long done = 0;
        while (done < length) {
            long n;
            try {
                n = (long) PWRITE.get().invokeExact(s.callState, fd, buf.asSlice(done), length - done, offset + done);
            } catch (Throwable t) {
                throw nativeFailure("pwrite", t);
            }
            if (n < 0 && errno(s.callState) == EINTR) {
                continue;
            }
            check(n, s.callState, "pwrite");
            if (n == 0) {
                throw new PosixException(28, "pwrite");
            }
            done += n;
        }
        return length;
    }

    public static void fsync(int fd, boolean dataOnly) throws PosixException {
        call("fsync", (a, cs) -> dataOnly
                ? check((int) FDATASYNC.get().invokeExact(cs, fd), cs, "fdatasync")
                : check((int) FSYNC.get().invokeExact(cs, fd), cs, "fsync"));
    }

    public static void ftruncate(int fd, long size) throws PosixException {
        call("ftruncate", (a, cs) -> check((int) FTRUNCATE.get().invokeExact(cs, fd, size), cs, "ftruncate"));
    }

    /** Every entry of an open directory ({@code getdents64(2)} until it returns 0), {@code .} and {@code ..} included. */
    public static List<Dirent> readDirectory(int fd) throws PosixException {
        Scratch s = Scratch.get();
        MemorySegment buf = s.dirents();
        List<Dirent> out = new ArrayList<>();
        while (true) {
            long n;
            try {
                n = (long) GETDENTS64.get().invokeExact(s.callState, fd, buf, (long) DIRENT_BUFFER);
            } catch (Throwable t) {
                throw nativeFailure("getdents64", t);
            }
            check(n, s.callState, "getdents64");
            if (n == 0) {
                return out;
            }
            for (long pos = 0; pos < n; ) {
                long ino = buf.get(JAVA_LONG, pos);
                int reclen = Short.toUnsignedInt(buf.get(JAVA_SHORT, pos + 16));
                int type = Byte.toUnsignedInt(buf.get(JAVA_BYTE, pos + 18));
                out.add(new Dirent(name(buf, pos + 19, reclen - 19), ino, type));
                pos += reclen;
            }
        }
    }

    /** The NUL-terminated name at {@code buf[from, from + max)}: ASCII decoded by hand, anything else as UTF-8. */
    private static String name(MemorySegment buf, long from, int max) {
        int len = 0;
        boolean ascii = true;
        while (len < max) {
            byte b = buf.get(JAVA_BYTE, from + len);
            if (b == 0) {
                break;
            }
            ascii &= b > 0;
            len++;
        }
        byte[] bytes = new byte[len];
        MemorySegment.copy(buf, JAVA_BYTE, from, bytes, 0, len);
        return ascii ? new String(bytes, StandardCharsets.ISO_8859_1) : new String(bytes, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- extended attributes

    /** {@code getxattr}/{@code lgetxattr} (by {@code follow}): the whole value. */
    public static byte[] getxattr(String path, String name, boolean follow) throws PosixException {
        String fn = follow ? "getxattr" : "lgetxattr";
        MethodHandle h = (follow ? GETXATTR : LGETXATTR).get();
        return call(fn, (a, cs) -> {
            MemorySegment p = cstr(a, path);
            MemorySegment n = cstr(a, name);
            while (true) {
                long size = check((long) h.invokeExact(cs, p, n, MemorySegment.NULL, 0L), cs, fn);
                MemorySegment buf = a.allocate(Math.max(size, 1));
                long got = (long) h.invokeExact(cs, p, n, buf, size);
                if (got < 0 && errno(cs) == ERANGE) {
                    continue; // grew in between
                }
                check(got, cs, fn);
                return buf.asSlice(0, got).toArray(JAVA_BYTE);
            }
        });
    }

    /** {@code listxattr}/{@code llistxattr} (by {@code follow}): the attribute names. */
    public static List<String> listxattr(String path, boolean follow) throws PosixException {
        String fn = follow ? "listxattr" : "llistxattr";
        MethodHandle h = (follow ? LISTXATTR : LLISTXATTR).get();
        return call(fn, (a, cs) -> {
            MemorySegment p = cstr(a, path);
            while (true) {
                long size = check((long) h.invokeExact(cs, p, MemorySegment.NULL, 0L), cs, fn);
                MemorySegment buf = a.allocate(Math.max(size, 1));
                long got = (long) h.invokeExact(cs, p, buf, size);
                if (got < 0 && errno(cs) == ERANGE) {
                    continue;
                }
                check(got, cs, fn);
                List<String> names = new ArrayList<>();
                long start = 0;
                for (long pos = 0; pos < got; pos++) {
                    if (buf.get(JAVA_BYTE, pos) == 0) {
                        names.add(utf8(buf.asSlice(start), pos - start));
                        start = pos + 1;
                    }
                }
                return names;
            }
        });
    }

    public static void setxattr(String path, String name, byte[] value, int flags, boolean follow)
            throws PosixException {
        String fn = follow ? "setxattr" : "lsetxattr";
        MethodHandle h = (follow ? SETXATTR : LSETXATTR).get();
        call(fn, (a, cs) -> {
            MemorySegment v = a.allocate(Math.max(value.length, 1));
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, value.length);
            return check((int) h.invokeExact(cs, cstr(a, path), cstr(a, name), v, (long) value.length, flags), cs, fn);
        });
    }

    public static void removexattr(String path, String name, boolean follow) throws PosixException {
        String fn = follow ? "removexattr" : "lremovexattr";
        MethodHandle h = (follow ? REMOVEXATTR : LREMOVEXATTR).get();
        call(fn, (a, cs) -> check((int) h.invokeExact(cs, cstr(a, path), cstr(a, name)), cs, fn));
    }

    // ---------------------------------------------------------------- system

    public static void sync() {
        try {
            SYNC.get().invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("sync() failed", t);
        }
    }

    public static void umount2(String target, int flags) throws PosixException {
        call("umount2", (a, cs) -> check((int) UMOUNT2.get().invokeExact(cs, cstr(a, target), flags), cs, "umount2"));
    }

    /** {@code umask(2)}: sets the process file-mode mask, returns the previous one. */
    public static int umask(int mask) {
        try {
            return (int) UMASK.get().invokeExact(mask);
        } catch (Throwable t) {
            throw new IllegalStateException("umask() failed", t);
        }
    }

    /** {@code reboot(2)}; returns only on failure. */
    public static void reboot(int cmd) throws PosixException {
        call("reboot", (a, cs) -> check((int) REBOOT.get().invokeExact(cs, cmd), cs, "reboot"));
    }

    /**
     * Links the bindings a restored appliance needs at once ({@link #clockSettime}, {@link #ioctl}):
     * called before the VM state is saved, so that a restore does not pay for linking them.
     */
    public static void prepareResume() {
        for (Downcall d : List.of(CLOCK_SETTIME, IOCTL, OPENAT, CLOSE)) {
            d.find();
        }
    }

    /** {@code clock_settime(2)} of {@code clock} ({@link Flags#CLOCK_REALTIME}) to seconds and nanoseconds. */
    public static void clockSettime(int clock, long seconds, long nanos) throws PosixException {
        call("clock_settime", (a, cs) -> {
            MemorySegment ts = a.allocate(16, 8);
            ts.set(JAVA_LONG, 0, seconds);
            ts.set(JAVA_LONG, 8, nanos);
            return check((int) CLOCK_SETTIME.get().invokeExact(cs, clock, ts), cs, "clock_settime");
        });
    }

    /** {@code ioctl(2)} with a pointer argument ({@link MemorySegment#NULL} for none); returns its result. */
    public static int ioctl(int fd, long request, MemorySegment arg) throws PosixException {
        return call("ioctl", (a, cs) -> (int) check((int) IOCTL.get().invokeExact(cs, fd, request, arg), cs, "ioctl"));
    }

    /**
     * Mixes {@code bytes} into the kernel's entropy pool, credited ({@code RNDADDENTROPY}), and reseeds
     * the kernel's random number generator from it now ({@code RNDRESEEDCRNG}), through {@code random}
     * ({@code /dev/urandom}). Needs CAP_SYS_ADMIN.
     */
    public static void addEntropyAndReseed(String random, byte[] bytes) throws PosixException {
        int fd = openat(Flags.AT_FDCWD, random, Flags.O_RDONLY | Flags.O_CLOEXEC, 0);
        try {
            call("ioctl", (a, cs) -> {
                // struct rand_pool_info { int entropy_count; int buf_size; __u32 buf[]; }
                MemorySegment info = a.allocate(8L + bytes.length, 4);
                info.set(JAVA_INT, 0, bytes.length * 8);
                info.set(JAVA_INT, 4, bytes.length);
                MemorySegment.copy(bytes, 0, info, JAVA_BYTE, 8, bytes.length);
                return check((int) IOCTL.get().invokeExact(cs, fd, Flags.RNDADDENTROPY, info), cs, "ioctl(RNDADDENTROPY)");
            });
            call("ioctl", (a, cs) -> check((int) IOCTL.get().invokeExact(cs, fd, Flags.RNDRESEEDCRNG, MemorySegment.NULL),
                    cs, "ioctl(RNDRESEEDCRNG)"));
        } finally {
            close(fd);
        }
    }

    /** The C library's description of an errno number ("No such file or directory"). */
    public static String describe(int number) {
        String s = callString(STRERRORDESC.find(), number);
        return s != null ? s : "errno " + number;
    }

    /** The C library's symbolic name of an errno number ("ENOENT"), or null if it has none. */
    public static String errnoName(int number) {
        return callString(STRERRORNAME.find(), number);
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface NativeCall<T> {
        T run(Arena arena, MemorySegment callState) throws Throwable;
    }

    private static <T> T call(String function, NativeCall<T> body) throws PosixException {
        try (Arena arena = Arena.ofConfined()) {
            return body.run(arena, arena.allocate(CAPTURE));
        } catch (PosixException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(function + ": native call failed", t);
        }
    }

    private static IllegalStateException nativeFailure(String function, Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(function + ": native call failed", t);
    }

    /**
     * Native memory of one thread, reused by its calls instead of an arena each (allocating, zeroing
     * and freeing cost more than a stat): the errno capture, a {@code struct stat}, a path, the
     * {@code getdents64} buffer and an I/O buffer that grows to the largest read or write. Never
     * shared: a call uses it only until it returns.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);
        private static final int IO_MIN = 64 * 1024;

        private final Arena arena = Arena.ofAuto();
        final MemorySegment callState = arena.allocate(CAPTURE);
        final MemorySegment stat = arena.allocate(STAT_SIZE, 8);
        final MemorySegment offset = arena.allocate(JAVA_LONG);
        private final MemorySegment path = arena.allocate(PATH_MAX + 1);
        private MemorySegment dirents;
        private MemorySegment io;

        static Scratch get() {
            return LOCAL.get();
        }

        /** {@code s} NUL-terminated in the path buffer; null when it does not fit. */
        MemorySegment cstr(String s) throws PosixException {
            int n = s.length();
            if (n > PATH_MAX) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == 0) {
                    throw new PosixException(22, "path");
                }
                if (c >= 0x80) {
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    if (utf8.length > PATH_MAX) {
                        return null;
                    }
                    MemorySegment.copy(utf8, 0, path, JAVA_BYTE, 0, utf8.length);
                    path.set(JAVA_BYTE, utf8.length, (byte) 0);
                    return path;
                }
                path.set(JAVA_BYTE, i, (byte) c);
            }
            path.set(JAVA_BYTE, n, (byte) 0);
            return path;
        }

        MemorySegment dirents() {
            if (dirents == null) {
                dirents = arena.allocate(DIRENT_BUFFER, 8);
            }
            return dirents;
        }

        /** At least {@code size} bytes of I/O buffer (not zeroed between uses). */
        MemorySegment io(long size) {
            if (io == null || io.byteSize() < size) {
                io = Arena.ofAuto().allocate(Math.max(IO_MIN, Long.highestOneBit(Math.max(size, 1) - 1) << 1), 4096);
            }
            return io;
        }
    }

    private static long check(long result, MemorySegment callState, String function) throws PosixException {
        if (result < 0) {
            throw new PosixException(errno(callState), function);
        }
        return result;
    }

    private static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    private static MemorySegment cstr(Arena arena, String s) throws PosixException {
        if (s.indexOf('\0') >= 0) {
            throw new PosixException(22, "path");
        }
        return arena.allocateFrom(s, StandardCharsets.UTF_8);
    }

    private static String utf8(MemorySegment buf, long n) {
        return new String(buf.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private static Timespec timespec(MemorySegment st, long offset) {
        return new Timespec(st.get(JAVA_LONG, offset), (int) st.get(JAVA_LONG, offset + 8));
    }

    private static String callString(MethodHandle h, int number) {
        if (h == null) {
            return null;
        }
        try {
            MemorySegment p = (MemorySegment) h.invokeExact(number);
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return null;
        }
    }

    private static Downcall withErrno(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(options, 0, all, 1, options.length);
        return new Downcall(name, descriptor, all);
    }

    /**
     * A libc function bound on first use: linking a downcall costs time, and the daemon must answer
     * its hello quickly in a slow (TCG) VM, so only the calls actually made are ever linked. Two
     * threads may race to bind; both get equivalent handles.
     */
    private static final class Downcall {
        private final String name;
        private final FunctionDescriptor descriptor;
        private final Linker.Option[] options;
        private volatile MethodHandle handle;

        Downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            this.name = name;
            this.descriptor = descriptor;
            this.options = options;
        }

        MethodHandle get() {
            MethodHandle h = find();
            if (h == null) {
                throw new UnsatisfiedLinkError("libc has no " + name);
            }
            return h;
        }

        /** The handle, or null when libc lacks the symbol. */
        MethodHandle find() {
            MethodHandle h = handle;
            if (h == null) {
                h = LINKER.defaultLookup().find(name)
                        .map(symbol -> LINKER.downcallHandle(symbol, descriptor, options))
                        .orElse(null);
                handle = h;
            }
            return h;
        }
    }
}
