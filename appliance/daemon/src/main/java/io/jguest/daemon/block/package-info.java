/**
 * Block devices, LVM and mounts inside the appliance: {@link io.jguest.daemon.block.LocalSession}
 * implements {@link io.jguest.api.GuestSession} from {@code /sys/block}, {@code blkid}, {@code lvm},
 * {@code mount}/{@code ntfs-3g} and {@code /proc/self/mountinfo}. External programs run through the
 * {@link io.jguest.daemon.block.CommandRunner} seam (with a timeout, stderr captured); the
 * {@link io.jguest.daemon.block.DeviceWait} makes every call wait until the kernel has loaded its
 * modules and found the expected disks.
 *
 * <p>Mount targets are resolved through {@link io.jguest.daemon.fs.Sysroot}, so they are always inside
 * the sysroot. Knows nothing about frames or the handle table.
 */
package io.jguest.daemon.block;
