package io.jguest.daemon;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.protocol.Call;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.ProtocolException;
import io.jguest.protocol.RecordCodec;
import java.util.concurrent.atomic.AtomicInteger;

/** Calls a {@link Dispatcher} the way the host does: encoded call frame in, decoded reply out. */
final class DispatcherClient {
    private final Dispatcher dispatcher;
    private final AtomicInteger serial = new AtomicInteger(1);

    DispatcherClient(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @SuppressWarnings("unchecked")
    <R> R call(Call<R> call) throws GuestFsException {
        Procedure p = Procedure.of(call);
        int s = serial.getAndIncrement();
        Frame reply = dispatcher.handle(new Frame(s, p.id(), FrameKind.CALL, RecordCodec.encode(call, p.callType())));
        if (reply.serial() != s || reply.procedure() != p.id()) {
            throw new AssertionError("reply " + reply + " does not match call #" + s);
        }
        try {
            if (reply.kind() == FrameKind.ERROR) {
                throw toException((ErrorReply) RecordCodec.decode(reply.body(), ErrorReply.class));
            }
            return (R) RecordCodec.decode(reply.body(), p.replyType());
        } catch (ProtocolException e) {
            throw new AssertionError("undecodable reply", e);
        }
    }

    static GuestFsException toException(ErrorReply e) {
        return new GuestFsException(Errno.byName(e.errno()), e.path(), e.message());
    }
}
