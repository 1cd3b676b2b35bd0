package io.jguest.appliance.rpc;

import io.jguest.api.BlockDevice;
import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileAttributes;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.GuestSession;
import io.jguest.api.InspectionReport;
import io.jguest.api.LogicalVolume;
import io.jguest.api.OpenFile;
import io.jguest.api.OpenFlags;
import io.jguest.api.Partition;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import io.jguest.protocol.Calls;
import io.jguest.protocol.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The guest API as calls over an {@link RpcClient}: one call per method (a {@link #readdirPlusMany}
 * too big for one reply takes a few), nothing cached.
 */
public class RemoteGuest implements GuestSession, GuestFileSystem {
    protected final RpcClient rpc;

    public RemoteGuest(RpcClient rpc) {
        this.rpc = rpc;
    }

    public String ping(String text) throws GuestFsException {
        return rpc.call(new Calls.Ping(text));
    }

    /** The appliance's clock, uptime, restore count and 16 fresh random bytes. */
    public Calls.ApplianceStatus status() throws GuestFsException {
        return rpc.call(new Calls.Status());
    }

    @Override
    public List<BlockDevice> listDevices() throws GuestFsException {
        return rpc.call(new Calls.ListDevices()).devices();
    }

    @Override
    public List<Partition> listPartitions() throws GuestFsException {
        return rpc.call(new Calls.ListPartitions()).partitions();
    }

    @Override
    public List<Filesystem> listFilesystems() throws GuestFsException {
        return rpc.call(new Calls.ListFilesystems()).filesystems();
    }

    @Override
    public List<LogicalVolume> lvmActivateAll() throws GuestFsException {
        return rpc.call(new Calls.LvmActivateAll()).volumes();
    }

    @Override
    public void mount(String device, String mountpoint, String options, String fstype) throws GuestFsException {
        rpc.call(new Calls.Mount(device, mountpoint, options == null ? "" : options, fstype));
    }

    @Override
    public void umountAll() throws GuestFsException {
        rpc.call(new Calls.UmountAll());
    }

    @Override
    public InspectionReport inspectOs(boolean explain) throws GuestFsException {
        return rpc.call(new Calls.InspectOs(explain));
    }

    @Override
    public void sync() throws GuestFsException {
        rpc.call(new Calls.Sync());
    }

    @Override
    public FileAttributes lstat(String path) throws GuestFsException {
        return rpc.call(new Calls.Lstat(path));
    }

    @Override
    public List<DirEntry> readdir(String path) throws GuestFsException {
        return rpc.call(new Calls.Readdir(path)).entries();
    }

    @Override
    public List<DirEntry> readdirPlus(String path) throws GuestFsException {
        return rpc.call(new Calls.ReaddirPlus(path)).entries();
    }

    /**
     * One {@code ReaddirPlusMany} call per batch of directories whose paths fit well in a frame; when
     * the daemon answers only the first directories of a batch (their listings filled its reply
     * frame), asks again for the rest.
     */
    @Override
    public List<List<DirEntry>> readdirPlusMany(List<String> dirs) throws GuestFsException {
        List<List<DirEntry>> out = new ArrayList<>(dirs.size());
        int from = 0;
        while (from < dirs.size()) {
            List<String> batch = dirs.subList(from, batchEnd(dirs, from));
            List<Calls.Entries> listings = rpc.call(new Calls.ReaddirPlusMany(batch)).listings();
            if (listings == null || listings.isEmpty() || listings.size() > batch.size()) {
                throw new GuestFsException(Errno.EPROTO, batch.getFirst(), "ReaddirPlusMany of " + batch.size()
                        + " directories answered " + (listings == null ? "null" : listings.size()) + " listings");
            }
            for (Calls.Entries e : listings) {
                out.add(e == null ? null : e.entries());
            }
            from += listings.size();
        }
        return out;
    }

    /** The end of the batch starting at {@code from}: as many paths as fit in half a frame, at least one. */
    private static int batchEnd(List<String> dirs, int from) {
        long bytes = 0;
        int end = from;
        while (end < dirs.size()) {
            String dir = dirs.get(end);
            bytes += 4 + (dir == null ? 0 : 3L * dir.length()); // at most 3 UTF-8 bytes per char
            if (bytes > Wire.MAX_FRAME / 2 && end > from) {
                break;
            }
            end++;
        }
        return end;
    }

    @Override
    public List<FileAttributes> lstatList(String dir, List<String> names) throws GuestFsException {
        return rpc.call(new Calls.LstatList(dir, names)).attributes();
    }

    @Override
    public String readlink(String path) throws GuestFsException {
        return rpc.call(new Calls.Readlink(path));
    }

    @Override
    public long open(String path, int flags, int mode) throws GuestFsException {
        return rpc.call(new Calls.Open(path, flags, mode));
    }

    @Override
    public OpenFile create(String path, int flags, int mode, int uid, int gid) throws GuestFsException {
        return rpc.call(new Calls.Create(path, flags | OpenFlags.O_CREAT, mode, uid, gid));
    }

    @Override
    public OpenFile createWrite(String path, int flags, int mode, int uid, int gid, long offset, byte[] data)
            throws GuestFsException {
        return rpc.call(new Calls.CreateWrite(path, flags | OpenFlags.O_CREAT, mode, uid, gid, offset, data));
    }

    @Override
    public CompletableFuture<OpenFile> createWriteAsync(String path, int flags, int mode, int uid, int gid, long offset,
                                                        byte[] data) {
        return rpc.callAsync(new Calls.CreateWrite(path, flags | OpenFlags.O_CREAT, mode, uid, gid, offset, data));
    }

    @Override
    public byte[] pread(long handle, long offset, int length) throws GuestFsException {
        return rpc.call(new Calls.Pread(handle, offset, length));
    }

    @Override
    public int pwrite(long handle, long offset, byte[] data) throws GuestFsException {
        return rpc.call(new Calls.Pwrite(handle, offset, data));
    }

    @Override
    public void fsync(long handle, boolean dataOnly) throws GuestFsException {
        rpc.call(new Calls.Fsync(handle, dataOnly));
    }

    @Override
    public void ftruncate(long handle, long size) throws GuestFsException {
        rpc.call(new Calls.Ftruncate(handle, size));
    }

    @Override
    public FileAttributes fstat(long handle) throws GuestFsException {
        return rpc.call(new Calls.Fstat(handle));
    }

    @Override
    public void fchmod(long handle, int mode) throws GuestFsException {
        rpc.call(new Calls.Fchmod(handle, mode));
    }

    @Override
    public void fchown(long handle, int uid, int gid) throws GuestFsException {
        rpc.call(new Calls.Fchown(handle, uid, gid));
    }

    @Override
    public void futimens(long handle, Timespec atime, Timespec mtime) throws GuestFsException {
        rpc.call(new Calls.Futimens(handle, atime, mtime));
    }

    @Override
    public void release(long handle) throws GuestFsException {
        rpc.call(new Calls.Release(handle));
    }

    @Override
    public CompletableFuture<Void> releaseAllAsync(List<Long> handles) {
        return rpc.callAsync(new Calls.ReleaseMany(handles));
    }

    @Override
    public void mkdir(String path, int mode) throws GuestFsException {
        rpc.call(new Calls.Mkdir(path, mode));
    }

    @Override
    public void rmdir(String path) throws GuestFsException {
        rpc.call(new Calls.Rmdir(path));
    }

    @Override
    public void unlink(String path) throws GuestFsException {
        rpc.call(new Calls.Unlink(path));
    }

    @Override
    public void rename(String from, String to, int flags) throws GuestFsException {
        rpc.call(new Calls.Rename(from, to, flags));
    }

    @Override
    public void symlink(String target, String linkPath) throws GuestFsException {
        rpc.call(new Calls.Symlink(target, linkPath));
    }

    @Override
    public void link(String existing, String newPath) throws GuestFsException {
        rpc.call(new Calls.Link(existing, newPath));
    }

    @Override
    public void mknod(String path, int mode, long rdev) throws GuestFsException {
        rpc.call(new Calls.Mknod(path, mode, rdev));
    }

    @Override
    public void chmod(String path, int mode) throws GuestFsException {
        rpc.call(new Calls.Chmod(path, mode));
    }

    @Override
    public void lchown(String path, int uid, int gid) throws GuestFsException {
        rpc.call(new Calls.Lchown(path, uid, gid));
    }

    @Override
    public void truncate(String path, long size) throws GuestFsException {
        rpc.call(new Calls.Truncate(path, size));
    }

    @Override
    public void utimens(String path, Timespec atime, Timespec mtime) throws GuestFsException {
        rpc.call(new Calls.Utimens(path, atime, mtime));
    }

    @Override
    public StatVfs statvfs(String path) throws GuestFsException {
        return rpc.call(new Calls.Statvfs(path));
    }

    @Override
    public byte[] getxattr(String path, String name) throws GuestFsException {
        return rpc.call(new Calls.Getxattr(path, name));
    }

    @Override
    public List<String> listxattr(String path) throws GuestFsException {
        return rpc.call(new Calls.Listxattr(path)).names();
    }

    @Override
    public void setxattr(String path, String name, byte[] value, int flags) throws GuestFsException {
        rpc.call(new Calls.Setxattr(path, name, value, flags));
    }

    @Override
    public void removexattr(String path, String name) throws GuestFsException {
        rpc.call(new Calls.Removexattr(path, name));
    }
}
