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
}
