package io.jguest.mountlocal;

import io.jguest.api.GuestFileSystem;

/**
 * PLACEHOLDER (contract commit): {@link MountOperations} over a {@link GuestFileSystem}. Being
 * written; see docs/DESIGN.md "mount-local".
 */
public abstract class GuestMount implements MountOperations, AutoCloseable {
    protected GuestMount(GuestFileSystem fs, MountConfig config) {
    }

    @Override
    public abstract void close();
}
