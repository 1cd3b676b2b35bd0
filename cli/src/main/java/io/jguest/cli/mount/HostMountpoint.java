package io.jguest.cli.mount;

import io.jguest.cli.CliException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host directory guestmount mounts on, checked before anything is launched: it must exist, be a
 * directory, not be a mount point already, be empty and, for a user
 * other than root, be writable (fusermount's rule). Each failure is one line naming the directory.
 */
final class HostMountpoint {
    private HostMountpoint() {
    }

    /**
     * Checks {@code given} and returns its canonical path (symlinks resolved), the key under which
     * the mount is registered.
     */
    static Path check(Path given, MountTable mounts) throws CliException {
        Path abs = given.toAbsolutePath().normalize();
        // before touching the directory: a dead FUSE mount answers every stat with ENOTCONN
        Optional<MountTable.Entry> here = mounts.at(abs);
        if (here.isPresent()) {
            throw alreadyMounted(given, here.get());
        }
        if (!Files.exists(abs)) {
            throw new CliException(given + ": mountpoint does not exist (create the directory first)");
        }
        if (!Files.isDirectory(abs)) {
            throw new CliException(given + ": mountpoint is not a directory");
        }
        Path canonical;
        try {
            canonical = abs.toRealPath();
        } catch (IOException e) {
            throw new CliException(given + ": cannot resolve the mountpoint: " + e.getMessage(), e);
        }
        here = mounts.at(canonical);
        if (here.isPresent()) {
            throw alreadyMounted(given, here.get());
        }
        if (!isEmpty(given, canonical)) {
            throw new CliException(given + ": mountpoint is not empty (use an empty directory)");
        }
        if (!Files.isWritable(canonical)) { // root may always write
            throw new CliException(given + ": no write permission on the mountpoint (FUSE needs it for a user mount)");
        }
        return canonical;
    }

    /** The canonical path of a mountpoint that may be a dead mount: the parent resolved, the name kept. */
    static Path canonicalOrAbsolute(Path given) {
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

    private static boolean isEmpty(Path given, Path dir) throws CliException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new CliException(given + ": cannot list the mountpoint: " + e.getMessage(), e);
        }
    }

    private static CliException alreadyMounted(Path given, MountTable.Entry e) {
        return new CliException(given + ": is already a mount point (" + e.type() + " from " + e.source() + ")"
                + (e.isFuse() ? ": unmount it first with guestunmount" : ""));
    }
}
