/**
 * The only package that sees jnr-fuse and jnr-ffi types: a {@code FuseStubFS} that turns each libfuse
 * callback into a {@link io.jguest.mountlocal.MountOperations} call (pointers and structs in, errno
 * out), and {@link io.jguest.mountlocal.jnr.JnrLocalMount}, which runs libfuse's multithreaded loop,
 * proves readiness and unmounts.
 */
package io.jguest.mountlocal.jnr;
