package io.jguest.daemon.fs;

import static io.jguest.daemon.posix.Flags.AT_FDCWD;
import static io.jguest.daemon.posix.Flags.O_CLOEXEC;
import static io.jguest.daemon.posix.Flags.O_DIRECTORY;
import static io.jguest.daemon.posix.Flags.O_NOFOLLOW;
import static io.jguest.daemon.posix.Flags.O_PATH;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The directory the guest's filesystems are mounted under, seen as {@code /}. Resolves every guest
 * path against it so that nothing a guest filesystem contains (absolute symlinks, {@code ..}) leads
 * outside. Thread-safe.
 *
 * <p>The directory is opened afresh for every operation: a descriptor kept across a mount on the
 * sysroot itself would still name the covered (empty) directory, and one kept on the mounted
 * filesystem would make its unmount fail with EBUSY.
 */
public final class Sysroot {
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;

    private final Path dir;
    private final PathResolver resolver;

    private Sysroot(Path dir, PathResolver resolver) {
        this.dir = dir;
        this.resolver = resolver;
    }

    /** Opens {@code dir}, using {@code openat2} when the kernel has it and the user-space walk otherwise. */
    public static Sysroot open(Path dir) throws GuestFsException {
        return open(dir, true);
    }

    /** As {@link #open(Path)}; {@code preferOpenat2 = false} forces the user-space walk (for tests). */
    public static Sysroot open(Path dir, boolean preferOpenat2) throws GuestFsException {
        Path real = realPath(dir);
        try (Fd root = openRoot(real)) {
            PathResolver resolver = preferOpenat2 && hasOpenat2(root) ? new Openat2Resolver() : new WalkingResolver();
            return new Sysroot(real, resolver);
        }
    }

    private static Path realPath(Path dir) throws GuestFsException {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new GuestFsException(Errno.ENOENT, dir.toString(), "sysroot: " + e.getMessage(), e);
        }
    }

    private static Fd openRoot(Path dir) throws PosixException {
        return new Fd(Libc.openat(AT_FDCWD, dir.toString(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
    }

    private static boolean hasOpenat2(Fd root) throws PosixException {
        try {
            new Fd(new Openat2Resolver().open(root.value(), List.of(), O_PATH, 0)).close();
            return true;
        } catch (PosixException e) {
            if (e.number() == ENOSYS || e.number() == EPERM) { // old kernel, or a seccomp filter
                return false;
            }
            throw e;
        }
    }

    /** The sysroot directory in the daemon's own namespace (a real path: no symlinks). */
    public Path dir() {
        return dir;
    }

    /** Whether the kernel confines resolution ({@code openat2}) rather than the user-space walk. */
    public boolean usesOpenat2() {
        return resolver instanceof Openat2Resolver;
    }

    /** {@code open(2)} of a guest path: follows a final symlink unless {@code O_NOFOLLOW}, always in the root. */
    public Fd open(String path, int flags, int mode) throws GuestFsException {
        return resolve(GuestPath.parse(path), flags, mode);
    }

    /** An {@code O_PATH} descriptor of a guest path (following a final symlink when asked). */
    public Fd openPath(String path, boolean follow) throws GuestFsException {
        return open(path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
    }

    /** The parent directory and last name of a guest path, for calls that act on the name itself. */
    Entry entry(String path) throws GuestFsException {
        GuestPath p = GuestPath.parse(path);
        if (p.isSelf()) {
            return new Entry(resolve(p, O_PATH | O_DIRECTORY, 0), null);
        }
        return new Entry(resolve(p.parent(), O_PATH | O_DIRECTORY, 0), p.last());
    }

    /**
     * The real path, in the daemon's namespace, of a guest directory (for {@code mount}): resolved in
     * the root, so the result is always the sysroot or below it.
     */
    public Path realDirectory(String path) throws GuestFsException {
        try (Fd fd = resolve(GuestPath.parse(path), O_PATH | O_DIRECTORY, 0)) {
            return Path.of(Libc.readlinkat(AT_FDCWD, fd.procPath()));
        }
    }

    private Fd resolve(GuestPath p, int flags, int mode) throws PosixException {
        try (Fd root = openRoot(dir)) {
            return new Fd(resolver.open(root.value(), p.components(), flags, mode));
        }
    }
}
