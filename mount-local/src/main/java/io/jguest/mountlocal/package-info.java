/**
 * mount-local: exposes a {@link io.jguest.api.GuestFileSystem} at a host mountpoint through FUSE.
 *
 * <p>Owns: {@link io.jguest.mountlocal.MountOperations} (the FUSE operations in project types),
 * {@link io.jguest.mountlocal.GuestMount} (those operations over a guest filesystem: EROFS on
 * read-only mounts, the caller's ownership of new files, errors kept as the guest's errno) with its
 * parts: {@code MetadataCache} (attributes, negative results, listings, symlink targets and xattrs,
 * invalidated by every change through the mount, guarded against stale stores by generations),
 * {@code ListingPrefetcher} (subdirectory listings fetched ahead of a recursive walk),
 * {@code OpenHandle} (per open file: read-ahead, write-back and a deferred creation) and
 * {@code ReleaseBatcher} (the background closes of clean files, a few per call);
 * {@link io.jguest.mountlocal.CaseInsensitiveFileSystem} (a guest filesystem decorator: names that
 * match case-insensitively and a read-only top level, for a Windows guest's drive letters; the cache
 * then folds names too), {@link io.jguest.mountlocal.TracingOperations} (the {@code -x} trace decorator) and
 * {@link io.jguest.mountlocal.LocalMount} (a live mount and its readiness) with the host side it
 * relies on: {@link io.jguest.mountlocal.HostMounts} (this process's mount table) and
 * {@link io.jguest.mountlocal.HostMountpoint} (the one check of a mountpoint before mounting). jnr
 * types stay in {@code io.jguest.mountlocal.jnr}; everything else is unit-testable without libfuse.
 * Must not depend on the appliance modules.
 */
package io.jguest.mountlocal;
