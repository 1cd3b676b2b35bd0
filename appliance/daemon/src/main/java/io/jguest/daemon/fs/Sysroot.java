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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
    /** Done when {@link #open} returns; probed on a background thread by {@link #openInBackground}. */
    private final CompletableFuture<PathResolver> resolver;

    private Sysroot(Path dir, CompletableFuture<PathResolver> resolver) {
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
        return new Sysroot(real, CompletableFuture.completedFuture(probe(real, preferOpenat2)));
    }

    /**
     * As {@link #open(Path)}, but the probe (the process's first FFM calls: slow, about 1 s of an
     * emulated CPU) runs on a new daemon thread after {@code first} (also FFM work, e.g. {@code umask}),
     * so that the caller can go on (the daemon sends its hello meanwhile), then {@code after} (more
     * warm-up; its failure is the thread's). Every path operation waits for the probe; a probe failure
     * makes them fail with its error.
     */
    public static Sysroot openInBackground(Path dir, Runnable first, Runnable after) throws GuestFsException {
        Path real = realPath(dir);
        CompletableFuture<PathResolver> resolver = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            try {
                first.run();
                PathResolver r = probe(real, true);
                if (!(r instanceof Openat2Resolver)) {
                    io.jguest.daemon.Log.info("sysroot " + real + ": no openat2, user-space path walk");
                }
                resolver.complete(r);
            } catch (Throwable e) {
                resolver.completeExceptionally(e);
                return;
            }
            after.run();
        }, "jguest-sysroot-probe");
        probe.setDaemon(true);
        probe.start();
        return new Sysroot(real, resolver);
    }

    private static PathResolver probe(Path real, boolean preferOpenat2) throws PosixException {
        try (Fd root = openRoot(real)) {
            return preferOpenat2 && hasOpenat2(root) ? new Openat2Resolver() : new WalkingResolver();
        }
    }

    private PathResolver resolver() throws PosixException {
        try {
            return resolver.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof PosixException p) {
                throw p;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
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
        try {
            return resolver() instanceof Openat2Resolver;
        } catch (PosixException e) {
            return false;
        }
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
        PathResolver r = resolver(); // the probe first: it may have set the umask
        try (Fd root = openRoot(dir)) {
            return new Fd(r.open(root.value(), p.components(), flags, mode));
        }
    }
}
