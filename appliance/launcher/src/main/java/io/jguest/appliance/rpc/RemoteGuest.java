package io.jguest.appliance.rpc;

import io.jguest.api.BlockDevice;
import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.Filesystem;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.GuestSession;
import io.jguest.api.LogicalVolume;
import io.jguest.api.Partition;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import io.jguest.protocol.Calls;
import java.util.List;

/** The guest API as calls over an {@link RpcClient}: one call per method, nothing cached. */
public class RemoteGuest implements GuestSession, GuestFileSystem {
    protected final RpcClient rpc;

    public RemoteGuest(RpcClient rpc) {
        this.rpc = rpc;
    }

    public String ping(String text) throws GuestFsException {
        return rpc.call(new Calls.Ping(text));
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
    public void release(long handle) throws GuestFsException {
        rpc.call(new Calls.Release(handle));
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
