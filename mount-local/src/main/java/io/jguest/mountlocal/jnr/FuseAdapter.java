package io.jguest.mountlocal.jnr;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.FileType;
import io.jguest.api.GuestFsException;
import io.jguest.api.StatVfs;
import io.jguest.mountlocal.Caller;
import io.jguest.mountlocal.MountOperations;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * libfuse 2's high-level callbacks over {@link MountOperations}: jnr structs and pointers in, the
 * project's records to the operations, a negated Linux errno out. Nothing thrown here ever reaches
 * native code: a {@link GuestFsException} becomes its errno, anything else EIO (logged).
 *
 * <p>Modes: {@code create}, {@code mkdir} and {@code chmod} pass the permission bits only
 * ({@code mode & 07777}); {@code mknod} passes the whole mode with its type bits.
 */
final class FuseAdapter extends FuseStubFS {
    private static final Logger log = LoggerFactory.getLogger(FuseAdapter.class);
    private static final int EIO = 5;
    private static final int ERANGE = 34;
    private static final int PERMISSIONS = 07777;
    /** libfuse's FUSE_UNKNOWN_INO. */
    private static final long UNKNOWN_INO = 0xffffffffL;

    private final MountOperations ops;
    private final AtomicLong requests = new AtomicLong();

    /** Loads libfuse 2 (jnr-fuse's constructor does); throws whatever the loader throws. */
    FuseAdapter(MountOperations ops) {
        this.ops = ops;
        // struct fuse_operations ends its flags with C bit fields (nullpath_ok:1, nopath:1,
        // utime_omit_ok:1, reserved:29) that jnr-fuse lays out as bytes. Setting utime_omit_ok (bit 2 of
        // that word) makes libfuse call utimens for a change of one time only, with UTIME_OMIT/UTIME_NOW
        // in the other (touch -a, touch -m, tar x); without it libfuse 2 silently drops such changes.
        // nullpath_ok (bit 0): an open file no name leads to any more (unlinked, then its directory
        // removed) still gets read, write, flush, fsync, ftruncate, fgetattr and release, with a null
        // path, instead of ENOENT: the operations find it by its handle.
        Struct.getMemory(fuseOperations).putByte(MemberOffset.of(fuseOperations.flag_nullpath_ok),
                (byte) (NULLPATH_OK_BIT | UTIME_OMIT_OK_BIT));
    }

    /**
     * Loads libfuse 2 and does jnr-fuse's one-time setup (the native library binding, the generated
     * callback classes), which makes the first adapter cost a few hundred milliseconds and the next
     * ones a few. The adapter made for it is never run, so it needs no operations.
     */
    static void preload() {
        new FuseAdapter(null);
        FuseLoop.lib();
    }

    /** Bits 0 and 2 of the fuse_operations flag word (little-endian: its first byte). */
    private static final int NULLPATH_OK_BIT = 1;
    private static final int UTIME_OMIT_OK_BIT = 1 << 2;

    /** How many requests reached the operations so far (readiness is proven by this moving). */
    long requests() {
        return requests.get();
    }

    /**
     * Runs what libfuse's {@code fuse_main} does with {@code args}, its workers on JVM threads
     * ({@link FuseLoop}); returns its exit code once the session ended.
     */
    int runLoop(String[] args, String name) {
        return FuseLoop.run(args, fuseOperations, name);
    }

    @FunctionalInterface
    private interface Body {
        int run() throws Exception;
    }

    /**
     * Every callback goes through here: counts, and turns every Throwable into -errno. (Tracing for
     * {@code -x} is {@link io.jguest.mountlocal.TracingOperations}, around the operations.)
     */
    private int call(String op, String path, Body body) {
        requests.incrementAndGet();
        try {
            return body.run();
        } catch (GuestFsException e) {
            return -HostErrno.of(e.errno());
        } catch (Throwable e) {
            log.warn("{} {}: {} (answering EIO)", op, path, e.toString(), e);
            return -EIO;
        }
    }

    private Caller caller() {
        FuseContext c = getContext();
        return new Caller((int) c.uid.get(), (int) c.gid.get(), c.pid.longValue(), (int) c.umask.longValue());
    }

    // ---- attributes ----

    @Override
    public int getattr(String path, FileStat stat) {
        return call("getattr", path, () -> {
            fill(stat, ops.getattr(path));
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("fgetattr", path, () -> {
            fill(stat, ops.fgetattr(path, fh));
            return 0;
        });
    }

    static void fill(FileStat st, FileAttributes a) {
        st.st_ino.set(a.ino());
        st.st_mode.set(a.mode());
        st.st_nlink.set(a.nlink());
        st.st_uid.set(a.uid());
        st.st_gid.set(a.gid());
        st.st_rdev.set(a.rdev());
        st.st_size.set(a.size());
        st.st_blocks.set(a.blocks());
        st.st_blksize.set(a.blksize());
        fill(st.st_atim, a.atime());
        fill(st.st_mtim, a.mtime());
        fill(st.st_ctim, a.ctime());
    }

    private static void fill(Timespec ts, io.jguest.api.Timespec t) {
        ts.tv_sec.set(t == null ? 0 : t.sec());
        ts.tv_nsec.set(t == null ? 0 : t.nsec());
    }

    // ---- directories ----

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return call("opendir", path, () -> 0);
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        return call("releasedir", path, () -> 0);
    }

    /** Every entry in one go with offset 0: libfuse buffers the whole listing, so it never fills up. */
    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        return call("readdir", path, () -> {
            List<DirEntry> entries = ops.readdir(path);
            FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
            Pointer stp = Struct.getMemory(st);
            st.st_mode.set(FileType.DIRECTORY.bits());
            st.st_ino.set(inodeOf(path));
            filler.apply(buf, cString("."), stp, 0);
            st.st_ino.set(inodeOf(parent(path)));
            filler.apply(buf, cString(".."), stp, 0);
            for (DirEntry e : entries) {
                FileAttributes a = e.attributes();
                st.st_mode.set(a != null ? a.mode() : e.type().bits());
                st.st_ino.set(known(a != null ? a.ino() : e.ino()));
                if (filler.apply(buf, cString(e.name()), stp, 0) != 0) {
                    throw new IllegalStateException("libfuse refused a directory entry (out of memory?)");
                }
            }
            return 0;
        });
    }

    /** The inode of a directory for "." and "..", or FUSE_UNKNOWN_INO when its getattr fails. */
    private long inodeOf(String dir) {
        try {
            return known(ops.getattr(dir).ino());
        } catch (GuestFsException | RuntimeException e) {
            return UNKNOWN_INO;
        }
    }

    /** glibc's readdir skips entries whose inode is 0: those get libfuse's "unknown" inode instead. */
    private static long known(long ino) {
        return ino == 0 ? UNKNOWN_INO : ino;
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    /** A NUL-terminated UTF-8 name (the filler reads a C string). */
    private static ByteBuffer cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return ByteBuffer.wrap(z);
    }

    @Override
    public int mkdir(String path, @jnr.ffi.types.mode_t long mode) {
        return call("mkdir", path, () -> {
            ops.mkdir(path, (int) mode & PERMISSIONS, caller());
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return call("rmdir", path, () -> {
            ops.rmdir(path);
            return 0;
        });
    }

    // ---- names ----

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        return call("readlink", path, () -> {
            byte[] target = ops.readlink(path).getBytes(StandardCharsets.UTF_8);
            if (size <= 0) {
                return 0;
            }
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int symlink(String target, String linkPath) {
        return call("symlink", linkPath, () -> {
            ops.symlink(target, linkPath, caller());
            return 0;
        });
    }

    @Override
    public int link(String existing, String newPath) {
        return call("link", newPath, () -> {
            ops.link(existing, newPath);
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return call("unlink", path, () -> {
            ops.unlink(path);
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return call("rename", from, () -> {
            ops.rename(from, to, 0);
            return 0;
        });
    }

    @Override
    public int mknod(String path, @jnr.ffi.types.mode_t long mode, @jnr.ffi.types.dev_t long rdev) {
        return call("mknod", path, () -> {
            ops.mknod(path, (int) mode, rdev, caller());
            return 0;
        });
    }

    // ---- metadata ----

    @Override
    public int chmod(String path, @jnr.ffi.types.mode_t long mode) {
        return call("chmod", path, () -> {
            ops.chmod(path, (int) mode & PERMISSIONS);
            return 0;
        });
    }

    /** (uid_t) -1 arrives as 4294967295: the int cast gives back -1 (unchanged). */
    @Override
    public int chown(String path, @jnr.ffi.types.uid_t long uid, @jnr.ffi.types.gid_t long gid) {
        return call("chown", path, () -> {
            ops.chown(path, (int) uid, (int) gid);
            return 0;
        });
    }

    @Override
    public int truncate(String path, @off_t long size) {
        return call("truncate", path, () -> {
            ops.truncate(path, size);
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("ftruncate", path, () -> {
            ops.ftruncate(path, fh, size);
            return 0;
        });
    }

    @Override
    public int utimens(String path, Timespec[] times) {
        return call("utimens", path, () -> {
            ops.utimens(path, toRecord(times[0]), toRecord(times[1]));
            return 0;
        });
    }

    /** UTIME_NOW and UTIME_OMIT come through as their nsec markers, which the record keeps. */
    private static io.jguest.api.Timespec toRecord(Timespec t) {
        return new io.jguest.api.Timespec(t.tv_sec.get(), (int) t.tv_nsec.longValue());
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return call("statfs", path, () -> {
            StatVfs v = ops.statfs(path);
            st.f_bsize.set(v.bsize());
            st.f_frsize.set(v.frsize());
            st.f_blocks.set(v.blocks());
            st.f_bfree.set(v.bfree());
            st.f_bavail.set(v.bavail());
            st.f_files.set(v.files());
            st.f_ffree.set(v.ffree());
            st.f_favail.set(v.favail());
            st.f_fsid.set(v.fsid());
            st.f_flag.set(v.flag());
            st.f_namemax.set(v.namemax());
            return 0;
        });
    }

    @Override
    public int access(String path, int mask) {
        return call("access", path, () -> {
            ops.access(path, mask, caller());
            return 0;
        });
    }

    // ---- open files ----

    @Override
    public int open(String path, FuseFileInfo fi) {
        int flags = fi.flags.get();
        return call("open", path, () -> {
            fi.fh.set(ops.open(path, flags));
            return 0;
        });
    }

    @Override
    public int create(String path, @jnr.ffi.types.mode_t long mode, FuseFileInfo fi) {
        int flags = fi.flags.get();
        return call("create", path, () -> {
            fi.fh.set(ops.create(path, flags, (int) mode & PERMISSIONS, caller()));
            return 0;
        });
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("read", path, () -> {
            byte[] data = ops.read(path, fh, offset, (int) size);
            int n = (int) Math.min(data.length, size);
            buf.put(0, data, 0, n);
            return n;
        });
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("write", path, () -> {
            byte[] data = new byte[(int) size];
            buf.get(0, data, 0, data.length);
            return ops.write(path, fh, offset, data, data.length);
        });
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("flush", path, () -> {
            ops.flush(path, fh);
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("fsync", path, () -> {
            ops.fsync(path, fh, isdatasync != 0);
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        long fh = fi.fh.get();
        return call("release", path, () -> {
            ops.release(path, fh);
            return 0;
        });
    }

    // ---- extended attributes ----

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        return call("getxattr", path, () -> copyOut(ops.getxattr(path, name), value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        return call("listxattr", path, () -> {
            List<String> all = ops.listxattr(path);
            ByteBuffer names = ByteBuffer.allocate(sizeOfNames(all));
            for (String n : all) {
                names.put(n.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
            }
            return copyOut(names.array(), list, size);
        });
    }

    private static int sizeOfNames(List<String> names) {
        int n = 0;
        for (String s : names) {
            n += s.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return n;
    }

    /** The xattr size protocol: size 0 asks for the length, too small a buffer is ERANGE. */
    private static int copyOut(byte[] data, Pointer buf, long size) {
        if (size == 0) {
            return data.length;
        }
        if (size < data.length) {
            return -ERANGE;
        }
        buf.put(0, data, 0, data.length);
        return data.length;
    }

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        return call("setxattr", path, () -> {
            byte[] data = new byte[(int) size];
            value.get(0, data, 0, data.length);
            ops.setxattr(path, name, data, flags);
            return 0;
        });
    }

    @Override
    public int removexattr(String path, String name) {
        return call("removexattr", path, () -> {
            ops.removexattr(path, name);
            return 0;
        });
    }
}
