package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.GuestFsException;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every operation of the wrapped {@link MountOperations}, its arguments, its result or errno,
 * and how long it took, at INFO on logger {@value #LOGGER} (guestmount {@code -x}).
 */
public final class TracingOperations implements MountOperations {
    public static final String LOGGER = "io.jguest.mountlocal.trace";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @FunctionalInterface
    private interface Op<T> {
        T run() throws GuestFsException;
    }

    @FunctionalInterface
    private interface VoidOp {
        void run() throws GuestFsException;
    }

    private final MountOperations ops;

    public TracingOperations(MountOperations ops) {
        this.ops = Objects.requireNonNull(ops, "ops");
    }

    /** {@code ops} traced when the configuration asks for it, else {@code ops} itself. */
    public static MountOperations wrapIfTracing(MountOperations ops, MountConfig config) {
        return config.trace() ? new TracingOperations(ops) : ops;
    }

    private <T> T trace(String name, Op<T> op, Object... args) throws GuestFsException {
        long start = System.nanoTime();
        try {
            T result = op.run();
            log.info("{}({}) = {} [{} us]", name, describeArgs(args), describe(result), micros(start));
            return result;
        } catch (GuestFsException e) {
            log.info("{}({}) = -{} [{} us] {}", name, describeArgs(args), e.errno(), micros(start), e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            log.info("{}({}) threw {} [{} us]", name, describeArgs(args), e, micros(start));
            throw e;
        }
    }

    private void traceVoid(String name, VoidOp op, Object... args) throws GuestFsException {
        trace(name, () -> {
            op.run();
            return "0";
        }, args);
    }

    private static long micros(long start) {
        return (System.nanoTime() - start) / 1000;
    }

    private static String describeArgs(Object[] args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(describe(args[i]));
        }
        return sb.toString();
    }

    static String describe(Object o) {
        return switch (o) {
            case null -> "null";
            case String s -> '"' + s + '"';
            case byte[] b -> b.length + " bytes";
            case FileAttributes a -> "{ino=" + a.ino() + ", mode=0" + Integer.toOctalString(a.mode()) + ", nlink="
                    + a.nlink() + ", uid=" + a.uid() + ", gid=" + a.gid() + ", size=" + a.size() + ", mtime="
                    + describe(a.mtime()) + "}";
            case Timespec t when t.isNow() -> "NOW";
            case Timespec t when t.isOmit() -> "OMIT";
            case Timespec t -> t.sec() + "." + String.format("%09d", t.nsec());
            case Caller c -> "{uid=" + c.uid() + ", gid=" + c.gid() + ", pid=" + c.pid() + "}";
            case StatVfs v -> "{bsize=" + v.bsize() + ", blocks=" + v.blocks() + ", bfree=" + v.bfree() + ", files="
                    + v.files() + ", ffree=" + v.ffree() + "}";
            case List<?> l when !l.isEmpty() && l.getFirst() instanceof DirEntry -> l.size() + " entries";
            case List<?> l -> l.toString();
            default -> o.toString();
        };
    }

    private static String octal(int mode) {
        return "0" + Integer.toOctalString(mode);
    }

    @Override
    public FileAttributes getattr(String path) throws GuestFsException {
        return trace("getattr", () -> ops.getattr(path), path);
    }

    @Override
    public FileAttributes fgetattr(String path, long fh) throws GuestFsException {
        return trace("fgetattr", () -> ops.fgetattr(path, fh), path, fh);
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        return trace("readdir", () -> ops.readdir(path), path);
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        return trace("readlink", () -> ops.readlink(path), path);
    }

    @Override
    public long open(String path, int flags) throws GuestFsException {
        return trace("open", () -> ops.open(path, flags), path, octal(flags));
    }

    @Override
    public long create(String path, int flags, int mode, Caller caller) throws GuestFsException {
        return trace("create", () -> ops.create(path, flags, mode, caller), path, octal(flags), octal(mode), caller);
    }

    @Override
    public byte[] read(String path, long fh, long offset, int size) throws GuestFsException {
        return trace("read", () -> ops.read(path, fh, offset, size), path, fh, offset, size);
    }

    @Override
    public int write(String path, long fh, long offset, byte[] data, int length) throws GuestFsException {
        return trace("write", () -> ops.write(path, fh, offset, data, length), path, fh, offset, length);
    }

    @Override
    public void flush(String path, long fh) throws GuestFsException {
        traceVoid("flush", () -> ops.flush(path, fh), path, fh);
    }

    @Override
    public void fsync(String path, long fh, boolean dataOnly) throws GuestFsException {
        traceVoid("fsync", () -> ops.fsync(path, fh, dataOnly), path, fh, dataOnly);
    }

    @Override
    public void release(String path, long fh) throws GuestFsException {
        traceVoid("release", () -> ops.release(path, fh), path, fh);
    }

    @Override
    public void mkdir(String path, int mode, Caller caller) throws GuestFsException {
        traceVoid("mkdir", () -> ops.mkdir(path, mode, caller), path, octal(mode), caller);
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        traceVoid("rmdir", () -> ops.rmdir(path), path);
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        traceVoid("unlink", () -> ops.unlink(path), path);
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        traceVoid("rename", () -> ops.rename(from, to, flags), from, to, flags);
    }

    @Override
    public void symlink(String target, String linkPath, Caller caller) throws GuestFsException {
        traceVoid("symlink", () -> ops.symlink(target, linkPath, caller), target, linkPath, caller);
    }

    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        traceVoid("link", () -> ops.link(existing, newPath), existing, newPath);
    }

    @Override
    public void mknod(String path, int mode, long rdev, Caller caller) throws GuestFsException {
        traceVoid("mknod", () -> ops.mknod(path, mode, rdev, caller), path, octal(mode), rdev, caller);
    }

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        traceVoid("chmod", () -> ops.chmod(path, mode), path, octal(mode));
    }

    @Override
    public void chown(String path, int uid, int gid) throws GuestFsException {
        traceVoid("chown", () -> ops.chown(path, uid, gid), path, uid, gid);
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        traceVoid("truncate", () -> ops.truncate(path, size), path, size);
    }

    @Override
    public void ftruncate(String path, long fh, long size) throws GuestFsException {
        traceVoid("ftruncate", () -> ops.ftruncate(path, fh, size), path, fh, size);
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        traceVoid("utimens", () -> ops.utimens(path, atime, mtime), path, atime, mtime);
    }

    @Override
    public StatVfs statfs(String path) throws GuestFsException {
        return trace("statfs", () -> ops.statfs(path), path);
    }

    @Override
    public void access(String path, int mask, Caller caller) throws GuestFsException {
        traceVoid("access", () -> ops.access(path, mask, caller), path, mask, caller);
    }

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        return trace("getxattr", () -> ops.getxattr(path, name), path, name);
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        return trace("listxattr", () -> ops.listxattr(path), path);
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        traceVoid("setxattr", () -> ops.setxattr(path, name, value, flags), path, name, value, flags);
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        traceVoid("removexattr", () -> ops.removexattr(path, name), path, name);
    }
}
