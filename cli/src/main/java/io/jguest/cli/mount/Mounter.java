package io.jguest.cli.mount;

import io.jguest.api.GuestFileSystem;
import io.jguest.mountlocal.GuestMount;
import io.jguest.mountlocal.LocalMount;
import io.jguest.mountlocal.MountConfig;
import io.jguest.mountlocal.MountException;
import io.jguest.mountlocal.TracingOperations;
import java.nio.file.Path;

/**
 * Exposes a guest filesystem at a host directory: {@link GuestMount} (wrapped in
 * {@link TracingOperations} for {@code -x}) served by {@link LocalMount}. A seam, so the command's
 * flow can be tested without FUSE.
 */
@FunctionalInterface
interface Mounter {
    /** Mounts and returns once the mountpoint answers. */
    Served mount(GuestFileSystem fs, Path mountpoint, MountConfig config) throws MountException;

    /**
     * A live mount and the operations behind it, closed in that order: unmount, then flush what the
     * operations still buffer.
     */
    record Served(LocalMount mount, AutoCloseable operations) {
    }

    /** The real one. */
    Mounter FUSE = (fs, mountpoint, config) -> {
        GuestMount ops = new GuestMount(fs, config);
        try {
            return new Served(LocalMount.mount(mountpoint, TracingOperations.wrapIfTracing(ops, config), config), ops);
        } catch (MountException | RuntimeException | Error e) {
            ops.close();
            throw e;
        }
    };
}
