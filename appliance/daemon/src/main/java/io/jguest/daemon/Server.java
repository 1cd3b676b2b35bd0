package io.jguest.daemon;

import io.jguest.api.Errno;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Hello;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.ProtocolException;
import io.jguest.protocol.RecordCodec;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves frames on one stream: the calling thread reads and decodes frames, a fixed pool of worker
 * threads runs the calls, and replies go out in completion order (matched by serial). A
 * {@code Shutdown} call is run on the reader after every call in flight has finished, and ends
 * {@link #serve()}; so do end of stream and a broken frame.
 */
public final class Server {
    /** Why {@link #serve()} returned. */
    public enum End {
        /** The host closed the stream (or died). */
        END_OF_STREAM,
        /** A {@code Shutdown} call was served and answered. */
        SHUTDOWN,
        /** The host sent a frame that cannot be read (bad length, unknown kind). */
        PROTOCOL_ERROR,
        /** Reading failed. */
        IO_ERROR
    }

    private static final long DRAIN_SECONDS = 60;

    private final FrameChannel codec;
    private final Dispatcher dispatcher;
    private final ExecutorService workers;
    private final AtomicBoolean writeFailed = new AtomicBoolean();

    Server(FrameChannel codec, Dispatcher dispatcher, int workerThreads) {
        this.codec = codec;
        this.dispatcher = dispatcher;
        this.workers = Executors.newFixedThreadPool(workerThreads, workerFactory());
    }

    private static ThreadFactory workerFactory() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "jguest-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Sends the hello frame (serial 0, procedure 0): the daemon speaks first. */
    public void sendHello(Hello hello) throws IOException {
        codec.write(new Frame(0, 0, FrameKind.HELLO, RecordCodec.encode(hello, Hello.class)));
    }

    /** Serves until end of stream, a shutdown call or a broken frame; waits for calls in flight. */
    public End serve() {
        try {
            while (true) {
                Frame frame;
                try {
                    frame = codec.read();
                } catch (ProtocolException e) {
                    Log.error("protocol error, closing", e);
                    return End.PROTOCOL_ERROR;
                } catch (IOException e) {
                    Log.error("reading the channel failed", e);
                    return End.IO_ERROR;
                }
                if (frame == null) {
                    Log.info("end of stream");
                    return End.END_OF_STREAM;
                }
                if (frame.kind() == FrameKind.CALL && frame.procedure() == Procedure.SHUTDOWN.id()) {
                    drain();
                    send(dispatcher.handle(frame));
                    return End.SHUTDOWN;
                }
                try {
                    workers.execute(() -> answer(frame));
                } catch (RejectedExecutionException e) {
                    send(errorFrame(frame, Errno.EIO, "daemon is shutting down"));
                }
            }
        } finally {
            drain();
        }
    }

    private void drain() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                Log.warn("calls still running after " + DRAIN_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a call on a worker and writes its reply (a PREAD reply is written by the dispatcher in place). */
    private void answer(Frame frame) {
        try {
            Frame reply = dispatcher.handle(frame, codec);
            if (reply != null) {
                send(reply);
            }
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** Writes a reply; a reply too big for a frame becomes an error, a dead channel is logged once. */
    private void send(Frame frame) {
        try {
            try {
                codec.write(frame);
            } catch (ProtocolException tooLarge) {
                codec.write(errorFrame(frame, Errno.E2BIG, "reply of " + frame.body().length
                        + " bytes does not fit in a frame"));
            }
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    private void writeFailed(IOException e) {
        if (writeFailed.compareAndSet(false, true)) {
            Log.error("writing to the channel failed", e);
        }
    }

    private static Frame errorFrame(Frame call, Errno errno, String message) {
        return new Frame(call.serial(), call.procedure(), FrameKind.ERROR,
                RecordCodec.encode(new ErrorReply(errno.name(), null, message), ErrorReply.class));
    }
}
