/**
 * The wire protocol between the host and the daemon inside the appliance. JDK only; both sides
 * link it, so a change here changes both ends at once.
 *
 * <h2>Transport</h2>
 * A byte stream (virtio-serial port in the guest, UNIX socket on the host) carrying frames:
 * <pre>
 *   u32 length       bytes that follow, at most {@link io.jguest.protocol.Wire#MAX_FRAME}
 *   u32 serial       chosen by the caller; a reply carries the serial of its call
 *   u16 procedure    {@link io.jguest.protocol.Procedure#id()}
 *   u8  kind         {@link io.jguest.protocol.FrameKind}
 *   ... body         {@link io.jguest.protocol.RecordCodec} encoding of the call, reply or error
 * </pre>
 * All integers are big-endian. Both sides reject a length above the maximum before allocating.
 *
 * <h2>Handshake</h2>
 * The daemon speaks first: as soon as its port is open and it can serve, it sends one
 * {@link io.jguest.protocol.FrameKind#HELLO} frame (serial 0) with a {@link io.jguest.protocol.Hello}
 * body (magic, protocol version, capabilities, limits, guest uptime). The host treats the appliance as
 * ready only after reading a valid hello: a connected socket proves nothing (libguestfs's launch flag).
 *
 * <h2>Calls</h2>
 * Each call ({@link io.jguest.protocol.Call}) is one record from {@link io.jguest.protocol.Calls};
 * its {@link io.jguest.protocol.Procedure} fixes the reply type. Many calls may be in flight; the
 * daemon answers in any order, matched by serial. Errors come back as
 * {@link io.jguest.protocol.FrameKind#ERROR} frames whose body is an
 * {@link io.jguest.protocol.ErrorReply}: a symbolic errno name plus a message.
 *
 * <h2>Saved state</h2>
 * A booted appliance can be saved and restored many times (the launcher's fast start). The host that
 * saves sends {@link io.jguest.protocol.Calls.PrepareSave}; the daemon finishes what it does, replies,
 * and waits for a {@link io.jguest.protocol.Calls.Resume}. The VM is saved in that state. The host of a
 * restored copy sends the {@code Resume} first (a CALL frame that gets no reply); the daemon refreshes
 * the guest's clock and random state, and sends a new HELLO, after which the session goes on as after a
 * cold boot. While waiting, an end of stream is not the end (the new host may not be connected yet)
 * and a {@link io.jguest.protocol.Calls.Shutdown} is served as usual.
 *
 * <h2>Shutdown</h2>
 * The host sends {@link io.jguest.protocol.Calls.Shutdown}; the daemon syncs, unmounts, replies, and
 * powers the VM off. If the stream ends (the host died), the daemon does the same without a reply.
 */
package io.jguest.protocol;
