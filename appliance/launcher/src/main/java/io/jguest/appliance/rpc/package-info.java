/**
 * The protocol client: {@link io.jguest.appliance.rpc.RpcClient} multiplexes calls over one frame
 * stream (serials, many in flight, one reader thread), and {@link io.jguest.appliance.rpc.RemoteGuest}
 * is the typed {@code GuestSession}/{@code GuestFileSystem} stub on top of it.
 *
 * <p>Threading: any number of threads may call at once; writes are whole frames under a lock, replies
 * are matched by serial. When the stream ends (qemu died, daemon exited) every pending and later call
 * fails with {@code EIO} at once. Logger {@code io.jguest.trace} at TRACE logs every call (-x).
 */
package io.jguest.appliance.rpc;
