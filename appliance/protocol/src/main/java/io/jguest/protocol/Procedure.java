package io.jguest.protocol;

import io.jguest.api.FileAttributes;
import io.jguest.api.InspectionReport;
import io.jguest.api.OpenFile;
import io.jguest.api.StatVfs;
import java.util.HashMap;
import java.util.Map;

/**
 * Every procedure with its stable wire id, its call record and its reply type. Ids are never reused:
 * add new procedures at the end with new ids.
 */
public enum Procedure {
    PING(1, Calls.Ping.class, String.class),
    LIST_DEVICES(2, Calls.ListDevices.class, Calls.Devices.class),
    LIST_PARTITIONS(3, Calls.ListPartitions.class, Calls.Partitions.class),
    LIST_FILESYSTEMS(4, Calls.ListFilesystems.class, Calls.Filesystems.class),
    LVM_ACTIVATE_ALL(5, Calls.LvmActivateAll.class, Calls.LogicalVolumes.class),
    MOUNT(6, Calls.Mount.class, Void.class),
    UMOUNT_ALL(7, Calls.UmountAll.class, Void.class),
    SYNC(8, Calls.Sync.class, Void.class),
    SHUTDOWN(9, Calls.Shutdown.class, Void.class),

    LSTAT(20, Calls.Lstat.class, FileAttributes.class),
    READDIR(21, Calls.Readdir.class, Calls.Entries.class),
    READDIR_PLUS(22, Calls.ReaddirPlus.class, Calls.Entries.class),
    LSTAT_LIST(23, Calls.LstatList.class, Calls.AttributesList.class),
    READLINK(24, Calls.Readlink.class, String.class),
    OPEN(25, Calls.Open.class, Long.class),
    PREAD(26, Calls.Pread.class, byte[].class),
    PWRITE(27, Calls.Pwrite.class, Integer.class),
    FSYNC(28, Calls.Fsync.class, Void.class),
    FTRUNCATE(29, Calls.Ftruncate.class, Void.class),
    RELEASE(30, Calls.Release.class, Void.class),
    MKDIR(31, Calls.Mkdir.class, Void.class),
    RMDIR(32, Calls.Rmdir.class, Void.class),
    UNLINK(33, Calls.Unlink.class, Void.class),
    RENAME(34, Calls.Rename.class, Void.class),
    SYMLINK(35, Calls.Symlink.class, Void.class),
    LINK(36, Calls.Link.class, Void.class),
    MKNOD(37, Calls.Mknod.class, Void.class),
    CHMOD(38, Calls.Chmod.class, Void.class),
    LCHOWN(39, Calls.Lchown.class, Void.class),
    TRUNCATE(40, Calls.Truncate.class, Void.class),
    UTIMENS(41, Calls.Utimens.class, Void.class),
    STATVFS(42, Calls.Statvfs.class, StatVfs.class),
    GETXATTR(43, Calls.Getxattr.class, byte[].class),
    LISTXATTR(44, Calls.Listxattr.class, Calls.Names.class),
    SETXATTR(45, Calls.Setxattr.class, Void.class),
    REMOVEXATTR(46, Calls.Removexattr.class, Void.class),
    CREATE(47, Calls.Create.class, OpenFile.class),
    READDIR_PLUS_MANY(48, Calls.ReaddirPlusMany.class, Calls.Listings.class),
    INSPECT_OS(49, Calls.InspectOs.class, InspectionReport.class),
    PREPARE_SAVE(50, Calls.PrepareSave.class, Void.class),
    /** Answered by a {@link FrameKind#HELLO} frame, not by a reply: see {@link Calls.Resume}. */
    RESUME(51, Calls.Resume.class, Void.class),
    STATUS(52, Calls.Status.class, Calls.ApplianceStatus.class),
    RELEASE_DISKS(53, Calls.ReleaseDisks.class, Void.class),
    AWAIT_DRIVES(54, Calls.AwaitDrives.class, Void.class),
    FSTAT(55, Calls.Fstat.class, FileAttributes.class),
    FCHMOD(56, Calls.Fchmod.class, Void.class),
    FCHOWN(57, Calls.Fchown.class, Void.class),
    FUTIMENS(58, Calls.Futimens.class, Void.class),
    RELEASE_MANY(59, Calls.ReleaseMany.class, Void.class),
    CREATE_WRITE(60, Calls.CreateWrite.class, OpenFile.class);

    /** Indexed by id: a lookup per frame boxes nothing. */
    private static final Procedure[] BY_ID;
    private static final Map<Class<?>, Procedure> BY_CALL = new HashMap<>();

    static {
        int max = 0;
        for (Procedure p : values()) {
            max = Math.max(max, p.id);
        }
        BY_ID = new Procedure[max + 1];
        for (Procedure p : values()) {
            if (BY_ID[p.id] != null || BY_CALL.put(p.callType, p) != null) {
                throw new ExceptionInInitializerError("duplicate procedure " + p);
            }
            BY_ID[p.id] = p;
        }
    }

    private final int id;
    private final Class<? extends Call<?>> callType;
    private final Class<?> replyType;

    Procedure(int id, Class<? extends Call<?>> callType, Class<?> replyType) {
        this.id = id;
        this.callType = callType;
        this.replyType = replyType;
    }

    public int id() {
        return id;
    }

    public Class<? extends Call<?>> callType() {
        return callType;
    }

    public Class<?> replyType() {
        return replyType;
    }

    public static Procedure byId(int id) throws ProtocolException {
        Procedure p = id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
        if (p == null) {
            throw new ProtocolException("unknown procedure id " + id);
        }
        return p;
    }

    public static Procedure of(Call<?> call) {
        Procedure p = BY_CALL.get(call.getClass());
        if (p == null) {
            throw new IllegalArgumentException("not a protocol call: " + call.getClass().getName());
        }
        return p;
    }
}
