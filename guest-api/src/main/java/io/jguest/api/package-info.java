/**
 * The seam between every layer of jguest: what a guest looks like, with no transport, no FUSE
 * and no qemu in sight.
 *
 * <p>Owns the value records ({@link io.jguest.api.FileAttributes}, {@link io.jguest.api.DirEntry},
 * {@link io.jguest.api.StatVfs}, the block-device records), the symbolic {@link io.jguest.api.Errno}
 * names, the one exception that crosses layers ({@link io.jguest.api.GuestFsException}) and the two
 * interfaces a guest offers: {@link io.jguest.api.GuestFileSystem} (files, path based) and
 * {@link io.jguest.api.GuestSession} (devices, mounts); and {@link io.jguest.api.MountInfo}, the one
 * parser of a {@code /proc/PID/mountinfo} line (the host's and the appliance's). Depends on nothing
 * but the JDK.
 */
package io.jguest.api;
