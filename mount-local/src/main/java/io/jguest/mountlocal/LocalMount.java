package io.jguest.mountlocal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A live FUSE mount of some {@link MountOperations} at a host directory.
 *
 * <pre>{@code
 * try (GuestMount ops = new GuestMount(guest, config);
 *      LocalMount mount = LocalMount.mount(Path.of("/mnt"), ops, config)) {
 *     mount.awaitUnmounted();          // until guestunmount / fusermount -u
 * }
 * }</pre>
 *
 * <p>{@link #mount} returns only once the mountpoint has answered a request (readiness is proven by
 * a stat through the kernel that reached {@code ops}); before that, a failure (mountpoint busy, not a
 * directory, libfuse missing, fusermount refusing) is a {@link MountException} with a one-line
 * message naming the mountpoint. {@link #close()} unmounts if still mounted (lazily, so a busy
 * mountpoint cannot block it), waits a bounded time for libfuse's loop to end, and is idempotent.
 */
public interface LocalMount extends AutoCloseable {
    /** Mounts {@code ops} at {@code mountpoint} with libfuse 2 (jnr-fuse), multithreaded. */
    static LocalMount mount(Path mountpoint, MountOperations ops, MountConfig config) throws MountException {
        return io.jguest.mountlocal.jnr.JnrLocalMount.mount(mountpoint, ops, config);
    }

    /**
     * Loads libfuse and does the one-time jnr-fuse setup that makes the first {@link #mount} slow
     * (a few hundred milliseconds), so that it can run on another thread while something else (the
     * appliance) starts. Best effort and idempotent: it never throws; if libfuse cannot be loaded,
     * {@link #mount} fails with the message that says why.
     */
    static void preload() {
        io.jguest.mountlocal.jnr.JnrLocalMount.preload();
    }

    /** The host directory, absolute and normalized. */
    Path mountpoint();

    /** Blocks until the filesystem is unmounted (by anyone) and libfuse's loop has ended. */
    void awaitUnmounted() throws InterruptedException;

    /** As {@link #awaitUnmounted()}, at most {@code timeout}; true when unmounted. */
    boolean awaitUnmounted(Duration timeout) throws InterruptedException;

    /** True while the kernel mount exists and the loop runs. */
    boolean isMounted();

    @Override
    void close();
}
