/**
 * The daemon's libc binding, through the Foreign Function &amp; Memory API (no JNI): the system calls
 * the file and session handlers need ({@link io.jguest.daemon.posix.Libc}), the x86-64 Linux struct
 * layouts and constants, and the one table from errno numbers to {@link io.jguest.api.Errno} names
 * ({@link io.jguest.daemon.posix.Errnos}). Every failed call throws
 * {@link io.jguest.daemon.posix.PosixException}, which is a {@link io.jguest.api.GuestFsException}.
 *
 * <p>Knows nothing about the sysroot, the protocol or handles; no {@code MemorySegment} leaves this
 * package. Needs {@code --enable-native-access=ALL-UNNAMED}.
 */
package io.jguest.daemon.posix;
