/**
 * mount-local: exposes a {@link io.jguest.api.GuestFileSystem} at a host mountpoint through FUSE.
 *
 * <p>Owns: {@link io.jguest.mountlocal.MountOperations} (the FUSE operations in project types),
 * {@link io.jguest.mountlocal.GuestMount} (those operations over a guest filesystem: open-file
 * state, read-ahead, write-back, the attribute/listing cache, EROFS on read-only mounts, the
 * caller's ownership of new files) and {@link io.jguest.mountlocal.LocalMount} (a live mount and its
 * readiness). jnr types stay in {@code io.jguest.mountlocal.jnr}; everything else is unit-testable
 * without libfuse. Must not depend on the appliance modules.
 */
package io.jguest.mountlocal;
