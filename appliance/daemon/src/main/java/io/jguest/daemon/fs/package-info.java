/**
 * File operations on the sysroot: {@link io.jguest.daemon.fs.LocalFileSystem} implements
 * {@link io.jguest.api.GuestFileSystem} with the {@code *at} system calls. Every path is resolved by
 * {@link io.jguest.daemon.fs.Sysroot} so that it never leaves the sysroot, whatever absolute
 * symlinks or {@code ..} the guest filesystem holds ({@code openat2(RESOLVE_IN_ROOT)}, or a
 * user-space walk on kernels without it). Open files live in a {@link io.jguest.daemon.fs.HandleTable}.
 *
 * <p>Depends on the posix package and guest-api; knows nothing about frames or block devices.
 */
package io.jguest.daemon.fs;
