/**
 * The daemon that serves the jguest protocol inside the appliance VM. {@link io.jguest.daemon.DaemonMain}
 * finds the virtio-serial port (or uses stdin/stdout), sends the hello, and runs a
 * {@link io.jguest.daemon.Server}: one reader thread, a fixed pool of workers, replies matched by
 * serial. The {@link io.jguest.daemon.Dispatcher} maps each call record to the handlers
 * ({@link io.jguest.daemon.fs.LocalFileSystem}, {@link io.jguest.daemon.block.LocalSession}) and is
 * the one place where an exception becomes an {@link io.jguest.protocol.ErrorReply}.
 *
 * <p>Runs on a jlinked JRE with {@code java.base} only: no logging framework ({@link io.jguest.daemon.Log}
 * writes to stderr, the VM console), no other JDK module, no third-party library.
 */
package io.jguest.daemon;
