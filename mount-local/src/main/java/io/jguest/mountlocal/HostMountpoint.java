package io.jguest.mountlocal;

import io.jguest.api.MountInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host directory a FUSE mount goes on, checked the way fusermount and libfuse would, but first,
 * so each failure is one line naming the directory as given: it must exist, be a directory, not be
 * a mount point already, be empty and, for a user other than root, be writable (fusermount's rule).
 */
public final class HostMountpoint {
    private HostMountpoint() {
    }

    /** {@link #check(Path, HostMounts)} against the current mount table. */
    public static Path check(Path given) throws MountException {
        HostMounts mounts;
        try {
            mounts = HostMounts.read();
        } catch (IOException e) {
            throw new MountException(e.getMessage(), e);
        }
        return check(given, mounts);
    }

    /**
     * Checks {@code given} and returns its canonical path (symlinks resolved), where the mount goes
     * and the key under which it is known.
     */
    public static Path check(Path given, HostMounts mounts) throws MountException {
        Path abs = given.toAbsolutePath().normalize();
        // before touching the directory: a dead FUSE mount answers every stat with ENOTCONN
        Optional<MountInfo> here = mounts.at(abs);
        if (here.isPresent()) {
            throw alreadyMounted(given, here.get());
        }
        if (!Files.exists(abs)) {
            throw new MountException(given + ": mountpoint does not exist (create the directory first)");
        }
        if (!Files.isDirectory(abs)) {
            throw new MountException(given + ": mountpoint is not a directory");
        }
        Path canonical;
        try {
            canonical = abs.toRealPath();
        } catch (IOException e) {
            throw new MountException(given + ": cannot resolve the mountpoint: " + e.getMessage(), e);
        }
        here = mounts.at(canonical);
        if (here.isPresent()) {
            throw alreadyMounted(given, here.get());
        }
        if (!isEmpty(given, canonical)) {
            throw new MountException(given + ": mountpoint is not empty (use an empty directory)");
        }
        if (!Files.isWritable(canonical)) { // root may always write
            throw new MountException(given + ": no write permission on the mountpoint (FUSE needs it for a user mount)");
        }
        return canonical;
    }

    /** The canonical path of a mountpoint that may be a dead mount: the parent resolved, the name kept. */
    public static Path canonicalOrAbsolute(Path given) {
        Path abs = given.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            Path parent = abs.getParent();
            if (parent == null || abs.getFileName() == null) {
                return abs;
            }
            try {
                return parent.toRealPath().resolve(abs.getFileName());
            } catch (IOException e2) {
                return abs;
            }
        }
    }

    private static boolean isEmpty(Path given, Path dir) throws MountException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new MountException(given + ": cannot list the mountpoint: " + e.getMessage(), e);
        }
    }

    private static MountException alreadyMounted(Path given, MountInfo e) {
        return new MountException(given + ": is already a mount point (" + e.type() + " from " + e.source() + ")"
                + (HostMounts.isFuse(e) ? ": unmount it first with guestunmount (or fusermount -u)" : ""));
    }
}
