package io.jguest.daemon.fs;

import io.jguest.daemon.posix.PosixException;
import java.util.List;

/**
 * Opens a path below a root directory descriptor as if that directory were {@code /}: absolute
 * symlinks and {@code ..} stay inside it. Intermediate symlinks are followed; the final one too,
 * unless {@code O_NOFOLLOW} is in the flags.
 */
interface PathResolver {
    /** Returns a new descriptor; {@code O_CLOEXEC} is added. */
    int open(int rootFd, List<String> components, int flags, int mode) throws PosixException;
}
