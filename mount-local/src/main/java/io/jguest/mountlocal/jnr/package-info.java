/**
 * The only package that sees jnr-fuse and jnr-ffi types: {@code FuseAdapter}, a {@code FuseStubFS}
 * that turns each libfuse 2 callback into a {@link io.jguest.mountlocal.MountOperations} call
 * (pointers and structs in, errno out, {@code HostErrno} the one errno table), and
 * {@link io.jguest.mountlocal.jnr.JnrLocalMount}, which checks the mountpoint, runs libfuse's
 * multithreaded loop on its own thread, proves readiness through {@code /proc/self/mountinfo}
 * ({@code MountTable}) and a stat, and unmounts. {@code SignalUnmount} gives SIGINT/SIGTERM/SIGHUP
 * libfuse's meaning (unmount, let the owner clean up) while a mount is live.
 */
package io.jguest.mountlocal.jnr;
