package io.jguest.api;

import java.util.List;

/**
 * Appliance-level control of a launched guest: devices, filesystems, LVM, mounts. The role of
 * libguestfs's handle. Safe for concurrent use.
 */
public interface GuestSession {
    /** The whole disks, in the order the drives were added ({@code /dev/sda}, {@code /dev/sdb}...). */
    List<BlockDevice> listDevices() throws GuestFsException;

    List<Partition> listPartitions() throws GuestFsException;

    /** Everything blkid recognises on disks, partitions and logical volumes. */
    List<Filesystem> listFilesystems() throws GuestFsException;

    /** Scans for LVM volume groups and activates all of them; returns the logical volumes. */
    List<LogicalVolume> lvmActivateAll() throws GuestFsException;

    /**
     * Mounts {@code device} at {@code mountpoint} (a path in the guest namespace, {@code /} first).
     *
     * @param options mount options ({@code ro}, {@code noatime}...), may be empty
     * @param fstype  explicit filesystem type, or null to detect
     */
    void mount(String device, String mountpoint, String options, String fstype) throws GuestFsException;

    /** Unmounts everything mounted with {@link #mount}, deepest first. */
    void umountAll() throws GuestFsException;

    /** Flushes every guest filesystem to the disks. */
    void sync() throws GuestFsException;

    /**
     * Inspects the disks for operating systems (libguestfs's {@code inspect_os} and its getters in one
     * call). Activates LVM, mounts every filesystem read-only in a private place, applies the
     * inspection rules, and unmounts them again: nothing stays mounted, {@link #mount} is free to use
     * the filesystems afterwards. Unreadable files become warnings, not failures.
     *
     * @param explain whether to return the derivation of each conclusion
     */
    default InspectionReport inspectOs(boolean explain) throws GuestFsException {
        throw new GuestFsException(Errno.ENOSYS, null, "this session cannot inspect");
    }

    /**
     * Makes the disks safe to unplug: unmounts everything, deactivates every volume group, syncs.
     * Sessions that cannot hot-plug do not implement it.
     */
    default void releaseDisks() throws GuestFsException {
        throw new GuestFsException(Errno.ENOTSUP, null, "this session cannot release its disks");
    }
}
