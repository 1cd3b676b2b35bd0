package io.jguest.cli.mount;

import io.jguest.appliance.Drive;
import io.jguest.cli.MountSpec;
import io.jguest.mountlocal.MountConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a guestmount command line asks for, checked (see {@link GuestmountCommand}).
 *
 * @param drives      the images, in {@code -a} order, read-only with {@code --ro}
 * @param mounts      the {@code -m} options, in order
 * @param inspector   {@code -i}: inspect, and mount the operating system's filesystems before the {@code -m} ones
 * @param root        {@code --root}: the operating system to mount with {@code -i}, or null
 * @param readOnly    {@code --ro}: read-only drives, guest mounts ({@code ro} added) and FUSE mount
 * @param mountConfig how the mount is exposed
 * @param mountpoint  the host directory, canonical
 * @param pidFile     {@code --pid-file}, absolute, or null
 * @param fd          {@code --fd}
 * @param sync        false with {@code -n}
 */
record MountPlan(List<Drive> drives, List<GuestMountRequest> mounts, boolean inspector, String root,
                 boolean readOnly, MountConfig mountConfig,
                 Path mountpoint, Path pidFile, OptionalInt fd, boolean sync) {
    MountPlan {
        drives = List.copyOf(drives);
        mounts = List.copyOf(mounts);
        Objects.requireNonNull(mountConfig, "mountConfig");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(fd, "fd");
    }

    /** One {@code -m} as given (for messages) and parsed. */
    record GuestMountRequest(String given, MountSpec spec) {
    }
}
