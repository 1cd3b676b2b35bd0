package io.jguest.appliance.rpc;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.protocol.Call;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameCodec;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Hello;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.ProtocolException;
import io.jguest.protocol.RecordCodec;
import io.jguest.protocol.Wire;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the daemon over a frame stream. Create it on the connected stream, then {@link #awaitHello}
 * before any call.
 */
public final class RpcClient implements Closeable {
    /** The logger that gets one line per call and reply, at TRACE ({@code jguest -x}). */
    public static final String TRACE_LOGGER = "io.jguest.trace";

    private static final Logger log = LoggerFactory.getLogger(RpcClient.class);
    private static final Logger trace = LoggerFactory.getLogger(TRACE_LOGGER);

    private final FrameCodec codec;
    private final Closeable transport;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextSerial = new AtomicInteger(1);
    private final CompletableFuture<Hello> hello = new CompletableFuture<>();
    private final Thread reader;
    private volatile String closedReason;

    private record Pending(Procedure procedure, CompletableFuture<Object> future, long startNanos) {
    }

    public RpcClient(InputStream in, OutputStream out, Closeable transport) {
        this.codec = new FrameCodec(in, out);
        this.transport = transport;
        this.reader = Thread.ofPlatform().daemon().name("jguest-rpc-reader").unstarted(this::readLoop);
        reader.start();
    }

    /**
     * Waits for the daemon's hello and checks it.
     *
     * @throws TimeoutException if none came in time
     * @throws IOException      if the stream ended or the hello is not ours
     */
    public Hello awaitHello(Duration timeout) throws IOException, TimeoutException, InterruptedException {
        try {
            Hello h = hello.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (h.magic() != Wire.MAGIC) {
                throw new ProtocolException("bad hello magic " + Integer.toHexString(h.magic()));
            }
            if (h.version() != Wire.VERSION) {
                throw new ProtocolException("daemon speaks protocol version " + h.version() + ", this host speaks "
                        + Wire.VERSION + ": rebuild the appliance");
            }
            return h;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** True until the stream has ended or {@link #close} was called. */
    public boolean isOpen() {
        return closedReason == null;
    }

    /** Sends a call and waits for its reply. Any transport failure is {@code EIO}. */
    public <R> R call(Call<R> call) throws GuestFsException {
        return call(call, null);
    }

    /** As {@link #call(Call)}, giving up with {@code ETIMEDOUT} after {@code timeout} (null: never). */
    @SuppressWarnings("unchecked")
    public <R> R call(Call<R> call, Duration timeout) throws GuestFsException {
        Procedure proc = Procedure.of(call);
        int serial = nextSerial.getAndIncrement();
        Pending p = send(call, proc, serial);
        try {
            Object value = timeout == null ? p.future.get() : p.future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (value instanceof ErrorReply e) {
                throw exception(e);
            }
            return (R) value;
        } catch (ExecutionException e) {
            // only a lost channel completes a call exceptionally
            throw new GuestFsException(Errno.EIO, null, "appliance is gone: " + closedReason, e.getCause());
        } catch (TimeoutException e) {
            pending.remove(serial);
            throw new GuestFsException(Errno.ETIMEDOUT, null, proc + " timed out after " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.remove(serial);
            Thread.currentThread().interrupt();
            throw new GuestFsException(Errno.EINTR, null, proc + " interrupted");
        }
    }

    /**
     * Sends a call and returns at once: the future completes with the reply, or with the
     * {@link GuestFsException} an error reply or a lost channel means (for calls whose result nobody
     * waits for, such as the close of a file whose last close the kernel already saw).
     */
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> callAsync(Call<R> call) {
        Pending p;
        try {
            p = send(call, Procedure.of(call), nextSerial.getAndIncrement());
        } catch (GuestFsException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        p.future.whenComplete((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(new GuestFsException(Errno.EIO, null, "appliance is gone: " + closedReason,
                        failure));
            } else if (value instanceof ErrorReply e) {
                result.completeExceptionally(exception(e));
            } else {
                result.complete((R) value);
            }
        });
        return result;
    }

    /**
     * Registers a call's reply and writes its frame; the reply's future fails at once if the channel
     * is lost meanwhile. EIO when the channel is gone.
     */
    private Pending send(Call<?> call, Procedure proc, int serial) throws GuestFsException {
        String why = closedReason;
        if (why != null) {
            throw new GuestFsException(Errno.EIO, null, "appliance is gone: " + why);
        }
        Pending p = new Pending(proc, new CompletableFuture<>(), System.nanoTime());
        pending.put(serial, p);
        if (trace.isTraceEnabled()) {
            trace.trace("<= #{} {}", serial, call);
        }
        try {
            codec.write(new Frame(serial, proc.id(), FrameKind.CALL, RecordCodec.encode(call, proc.callType())));
        } catch (IOException e) {
            pending.remove(serial);
            fail("write failed: " + e.getMessage());
            throw new GuestFsException(Errno.EIO, null, "appliance is gone: " + e.getMessage(), e);
        }
        if (closedReason != null) {
            // the reader may have failed everything just before we registered
            p.future.completeExceptionally(gone());
        }
        return p;
    }

    /**
     * The exception an error reply means. Built by the caller, not in the reader, so that its stack
     * trace is the caller's; an answer such as ENOENT gets none (lookups meet it all the time).
     */
    private static GuestFsException exception(ErrorReply e) {
        Errno errno = Errno.byName(e.errno());
        return errno == Errno.ENOENT || errno == Errno.ENODATA
                ? GuestFsException.answer(errno, e.path(), e.message())
                : new GuestFsException(errno, e.path(), e.message());
    }

    /**
     * Sends a call that gets no reply frame ({@link Calls.Resume}: the daemon answers it with a hello,
     * which {@link #awaitHello} waits for).
     *
     * @throws IOException the channel is gone
     */
    public void post(Call<?> call) throws IOException {
        Procedure proc = Procedure.of(call);
        String why = closedReason;
        if (why != null) {
            throw new IOException("appliance is gone: " + why);
        }
        int serial = nextSerial.getAndIncrement();
        if (trace.isTraceEnabled()) {
            trace.trace("<= #{} {} (no reply)", serial, proc);
        }
        codec.write(new Frame(serial, proc.id(), FrameKind.CALL, RecordCodec.encode(call, proc.callType())));
    }

    private void readLoop() {
        try {
            while (true) {
                Frame f = codec.read();
                if (f == null) {
                    fail("channel closed by the appliance");
                    return;
                }
                dispatch(f);
            }
        } catch (IOException e) {
            fail(closedReason != null ? closedReason : "channel error: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("BUG: protocol reader failed", e);
            fail("protocol reader failed: " + e);
        }
    }

    private void dispatch(Frame f) throws ProtocolException {
        if (f.kind() == FrameKind.HELLO) {
            hello.complete((Hello) RecordCodec.decode(f.body(), Hello.class));
            return;
        }
        Pending p = pending.remove(f.serial());
        if (p == null) {
            log.debug("reply for unknown serial {} dropped", f.serial());
            return;
        }
        long micros = (System.nanoTime() - p.startNanos) / 1000;
        switch (f.kind()) {
            case REPLY -> {
                Object value = RecordCodec.decode(f.body(), p.procedure.replyType());
                if (trace.isTraceEnabled()) {
                    trace.trace("=> #{} {} ok in {} us", f.serial(), p.procedure, micros);
                }
                p.future.complete(value);
            }
            case ERROR -> {
                ErrorReply e = (ErrorReply) RecordCodec.decode(f.body(), ErrorReply.class);
                if (trace.isTraceEnabled()) {
                    trace.trace("=> #{} {} {} in {} us: {}", f.serial(), p.procedure, e.errno(), micros, e.message());
                }
                p.future.complete(e); // no reply type is an ErrorReply: call() tells them apart
            }
            default -> throw new ProtocolException("unexpected " + f.kind() + " frame from the daemon");
        }
    }

    private IOException gone() {
        return new IOException(closedReason);
    }

    private void fail(String reason) {
        synchronized (this) {
            if (closedReason == null) {
                closedReason = reason;
            }
        }
        hello.completeExceptionally(new IOException(closedReason));
        for (Integer serial : pending.keySet()) {
            Pending p = pending.remove(serial);
            if (p != null) {
                p.future.completeExceptionally(gone());
            }
        }
    }

    /** Closes the transport; every pending call fails with EIO. Idempotent. */
    @Override
    public void close() {
        fail("closed");
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("closing the channel: {}", e.toString());
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
