package io.jguest.protocol;

import io.jguest.api.BlockDevice;
import io.jguest.api.DirEntry;
import io.jguest.api.FileAttributes;
import io.jguest.api.Filesystem;
import io.jguest.api.InspectionReport;
import io.jguest.api.LogicalVolume;
import io.jguest.api.OpenFile;
import io.jguest.api.Partition;
import io.jguest.api.StatVfs;
import io.jguest.api.Timespec;
import java.util.List;

/**
 * Every call the daemon serves, one record each, and the list-valued replies. Semantics are those of
 * the same-named methods of {@link io.jguest.api.GuestFileSystem} and {@link io.jguest.api.GuestSession};
 * paths are guest paths inside the mounted namespace. {@link Procedure} gives each a wire id.
 */
public final class Calls {
    private Calls() {
    }

    // ---- list-valued replies (records, so the codec knows element types) ----
    public record Devices(List<BlockDevice> devices) {}
    public record Partitions(List<Partition> partitions) {}
    public record Filesystems(List<Filesystem> filesystems) {}
    public record LogicalVolumes(List<LogicalVolume> volumes) {}
    public record Entries(List<DirEntry> entries) {}
    /** One element per asked name; null where lstat failed. */
    public record AttributesList(List<FileAttributes> attributes) {}
    public record Names(List<String> names) {}
    /**
     * The listings of the first {@code listings.size()} directories of a {@link ReaddirPlusMany}, in
     * order (at least one when any was asked): fewer than asked when all would not fit in a frame;
     * the caller asks again for the rest. An element is null where that directory could not be listed.
     */
    public record Listings(List<Entries> listings) {}

    // ---- session ----
    /** Echoes its text: round-trip latency probe. */
    public record Ping(String text) implements Call<String> {}
    public record ListDevices() implements Call<Devices> {}
    public record ListPartitions() implements Call<Partitions> {}
    public record ListFilesystems() implements Call<Filesystems> {}
    public record LvmActivateAll() implements Call<LogicalVolumes> {}
    /** Mount; {@code options} may be empty, {@code fstype} null to detect. */
    public record Mount(String device, String mountpoint, String options, String fstype) implements Call<Void> {}
    public record UmountAll() implements Call<Void> {}
    public record Sync() implements Call<Void> {}
    /** Inspection ({@link io.jguest.api.GuestSession#inspectOs}); derivations only when {@code explain}. */
    public record InspectOs(boolean explain) implements Call<InspectionReport> {}
    /** Sync, unmount all, reply, then power off. */
    public record Shutdown() implements Call<Void> {}

    // ---- saved appliance (see the package documentation, "Saved state") ----
    /**
     * Get ready to have the VM state saved: wait until every module is loaded, finish every call in
     * flight, reply; from then on read nothing but a {@link Resume} (or a {@link Shutdown}).
     */
    public record PrepareSave() implements Call<Void> {}
    /**
     * Sent by the host of a restored appliance, first, with no reply: the daemon sets the guest's
     * clock, mixes the entropy into the kernel's pool and reseeds it, expects {@code drives} disks,
     * and answers with a new {@link Hello}.
     *
     * @param epochNanos the host's wall-clock time, nanoseconds since 1970
     * @param entropy    fresh random bytes (at least 32)
     * @param drives     how many user disks the host attaches (as {@code jguest.drives=N} at boot)
     * @param verbose    debug lines on the console from now on
     */
    public record Resume(long epochNanos, byte[] entropy, int drives, boolean verbose) implements Call<Void> {}
    /** How the appliance is doing, for diagnostics and tests. */
    public record Status() implements Call<ApplianceStatus> {}

    // ---- hot-plugged disks (batch inspection) ----
    /**
     * Before the host unplugs the disks: unmount everything, deactivate every LVM volume group (its
     * device-mapper nodes would hold the disk), sync.
     */
    public record ReleaseDisks() implements Call<Void> {}
    /**
     * Waits (bounded) until exactly {@code drives} user disks are present, each opened once (its
     * partition table scanned): after a hot-plug or an unplug. Later block calls see that count.
     * Fails with ETIMEDOUT when the disks do not match in time.
     */
    public record AwaitDrives(int drives) implements Call<Void> {}
    /**
     * @param epochNanos   the guest's wall-clock time
     * @param uptimeMillis the guest's uptime
     * @param resumes      how many times this appliance was restored from a saved state (0 after a cold boot)
     * @param random       16 bytes just read from the guest's {@code /dev/urandom}
     */
    public record ApplianceStatus(long epochNanos, long uptimeMillis, int resumes, byte[] random) {}

    // ---- files ----
    public record Lstat(String path) implements Call<FileAttributes> {}
    public record Readdir(String path) implements Call<Entries> {}
    public record ReaddirPlus(String path) implements Call<Entries> {}
    /** {@link ReaddirPlus} of several directories in one round trip; see {@link Listings}. */
    public record ReaddirPlusMany(List<String> dirs) implements Call<Listings> {}
    public record LstatList(String dir, List<String> names) implements Call<AttributesList> {}
    public record Readlink(String path) implements Call<String> {}
    public record Open(String path, int flags, int mode) implements Call<Long> {}
    /** Open with {@code O_CREAT}, then {@code fchown} when uid or gid is not -1, then {@code fstat}. */
    public record Create(String path, int flags, int mode, int uid, int gid) implements Call<OpenFile> {}
    /** {@link Create}, then {@code data} written at {@code offset}; the attributes are after the write. */
    public record CreateWrite(String path, int flags, int mode, int uid, int gid, long offset, byte[] data)
            implements Call<OpenFile> {}
    public record Pread(long handle, long offset, int length) implements Call<byte[]> {}
    public record Pwrite(long handle, long offset, byte[] data) implements Call<Integer> {}
    public record Fsync(long handle, boolean dataOnly) implements Call<Void> {}
    public record Ftruncate(long handle, long size) implements Call<Void> {}
    public record Fstat(long handle) implements Call<FileAttributes> {}
    public record Fchmod(long handle, int mode) implements Call<Void> {}
    public record Fchown(long handle, int uid, int gid) implements Call<Void> {}
    public record Futimens(long handle, Timespec atime, Timespec mtime) implements Call<Void> {}
    public record Release(long handle) implements Call<Void> {}
    /** {@link Release} of every handle (all are tried; the first failure is the reply). */
    public record ReleaseMany(List<Long> handles) implements Call<Void> {}
    public record Mkdir(String path, int mode) implements Call<Void> {}
    public record Rmdir(String path) implements Call<Void> {}
    public record Unlink(String path) implements Call<Void> {}
    public record Rename(String from, String to, int flags) implements Call<Void> {}
    public record Symlink(String target, String linkPath) implements Call<Void> {}
    public record Link(String existing, String newPath) implements Call<Void> {}
    public record Mknod(String path, int mode, long rdev) implements Call<Void> {}
    public record Chmod(String path, int mode) implements Call<Void> {}
    public record Lchown(String path, int uid, int gid) implements Call<Void> {}
    public record Truncate(String path, long size) implements Call<Void> {}
    public record Utimens(String path, Timespec atime, Timespec mtime) implements Call<Void> {}
    public record Statvfs(String path) implements Call<StatVfs> {}
    public record Getxattr(String path, String name) implements Call<byte[]> {}
    public record Listxattr(String path) implements Call<Names> {}
    public record Setxattr(String path, String name, byte[] value, int flags) implements Call<Void> {}
    public record Removexattr(String path, String name) implements Call<Void> {}
}
