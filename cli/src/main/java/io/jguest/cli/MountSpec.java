package io.jguest.cli;

import java.util.Comparator;
import java.util.List;

/**
 * One {@code -m DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]]}, as in guestfish. The mountpoint defaults to
 * {@code /}.
 */
public record MountSpec(String device, String mountpoint, String options, String fstype) {
    /** Shortest mountpoint first, so {@code /} is mounted before {@code /boot} (libguestfs rule). */
    public static final Comparator<MountSpec> MOUNT_ORDER =
            Comparator.comparingInt((MountSpec m) -> m.mountpoint().length()).thenComparing(MountSpec::mountpoint);

    public static MountSpec parse(String spec) {
        String[] parts = spec.split(":", 4);
        String device = parts[0];
        if (device.isEmpty()) {
            throw new IllegalArgumentException("-m " + spec + ": no device (expected DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]])");
        }
        String mp = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : "/";
        if (!mp.startsWith("/")) {
            throw new IllegalArgumentException("-m " + spec + ": mountpoint '" + mp + "' must be absolute");
        }
        String opts = parts.length > 2 ? parts[2] : "";
        String type = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
        return new MountSpec(device, mp, opts, type);
    }

    /** The same mount with {@code ro} added to its options (unless there already). */
    public MountSpec readOnly() {
        if (List.of(options.split(",")).contains("ro")) {
            return this;
        }
        return new MountSpec(device, mountpoint, options.isEmpty() ? "ro" : "ro," + options, fstype);
    }
}
