package io.jguest.mountlocal;

import io.jguest.api.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The host mounts this process sees ({@code /proc/self/mountinfo}), in the kernel's order. */
public final class HostMounts {
    public static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private final List<MountInfo> entries;

    public HostMounts(List<MountInfo> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The current table; the exception's message is one line naming {@link #MOUNTINFO}. */
    public static HostMounts read() throws IOException {
        try {
            return parse(Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            throw new IOException(MOUNTINFO + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The table in mountinfo {@code lines}; lines that are not mountinfo lines are skipped. */
    public static HostMounts parse(List<String> lines) {
        return new HostMounts(lines.stream().map(MountInfo::parse).flatMap(Optional::stream).toList());
    }

    /** The topmost mount at exactly {@code mountPoint} (the last one listed there), if any. */
    public Optional<MountInfo> at(Path mountPoint) {
        MountInfo found = null;
        for (MountInfo e : entries) {
            if (e.mountPoint().equals(mountPoint)) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    /** A FUSE mount, which fusermount can unmount ({@code fuse}, {@code fuse.NAME}, {@code fuseblk}...). */
    public static boolean isFuse(MountInfo m) {
        String type = m.type();
        return type.equals("fuse") || type.startsWith("fuse.") || type.equals("fuseblk") || type.startsWith("fuseblk.");
    }
}
