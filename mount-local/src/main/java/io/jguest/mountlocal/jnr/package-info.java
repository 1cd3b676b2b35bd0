/**
 * The only package that sees jnr-fuse and jnr-ffi types: {@code FuseAdapter}, a {@code FuseStubFS}
 * that turns each libfuse 2 callback into a {@link io.jguest.mountlocal.MountOperations} call
 * (pointers and structs in, errno out, {@code HostErrno} the one errno table), and
 * {@link io.jguest.mountlocal.jnr.JnrLocalMount}, which preloads libfuse, checks the mountpoint
 * ({@link io.jguest.mountlocal.HostMountpoint}), runs libfuse's multithreaded loop with its workers on JVM
 * threads ({@code FuseLoop}: jnr would attach and detach a native worker at every callback),
 * proves readiness through {@link io.jguest.mountlocal.HostMounts} and a stat, and unmounts.
 * {@code SignalUnmount} gives SIGINT/SIGTERM/SIGHUP libfuse's meaning (unmount, let the owner clean
 * up) while a mount is live.
 */
package io.jguest.mountlocal.jnr;
