package io.jguest.daemon;

import io.jguest.api.Errno;
import io.jguest.protocol.Calls;
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
 * {@link #serve()}; so do end of stream and a broken frame. A {@code PrepareSave} call too, but the
 * server lives on: {@link #awaitResume()} waits for the host of a restored copy of the VM.
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
        IO_ERROR,
        /**
         * A {@code PrepareSave} call was served, with no call left in flight: the next thing to do is
         * {@link #awaitResume()}, which answers it. The workers stay.
         */
        PREPARED
    }

    /** What {@link #awaitResume()} got: a resume to apply, or the end of the session. */
    public record Wake(Calls.Resume resume, End end) {
    }

    private static final long DRAIN_SECONDS = 60;
    /** How long {@link #awaitResume()} takes an end of stream for "no host yet" (guest time). */
    private static final long NO_HOST_MS = 60_000;
    private static final long NO_HOST_POLL_MS = 10;

    private final FrameChannel codec;
    private final Dispatcher dispatcher;
    private final ExecutorService workers;
    /** The largest PWRITE answered on the reading thread (see {@link #quick}). */
    private static final int QUICK_WRITE_BYTES = 64 * 1024;
    private final AtomicBoolean writeFailed = new AtomicBoolean();
    /** Calls handed to the workers and not yet answered. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    /** The answer to a prepare-save call, until {@link #awaitResume()} sends it. */
    private Frame prepareReply;

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

    /**
     * Serves until end of stream, a shutdown call, a prepare-save call or a broken frame; waits for
     * calls in flight (and, but after a prepare-save, stops the workers).
     */
    public End serve() {
        End end = null;
        try {
            while (true) {
                Frame frame;
                try {
                    frame = codec.read();
                } catch (ProtocolException e) {
                    Log.error("protocol error, closing", e);
                    return end = End.PROTOCOL_ERROR;
                } catch (IOException e) {
                    Log.error("reading the channel failed", e);
                    return end = End.IO_ERROR;
                }
                if (frame == null) {
                    Log.info("end of stream");
                    return end = End.END_OF_STREAM;
                }
                if (frame.kind() == FrameKind.CALL && frame.procedure() == Procedure.SHUTDOWN.id()) {
                    drain();
                    send(dispatcher.handle(frame));
                    return end = End.SHUTDOWN;
                }
                if (frame.kind() == FrameKind.CALL && frame.procedure() == Procedure.PREPARE_SAVE.id()) {
                    quiesce();
                    Frame reply = dispatcher.handle(frame);
                    if (reply.kind() == FrameKind.REPLY) {
                        // sent by awaitResume() just before it blocks: the host saves the VM as soon
                        // as it has the reply, and the daemon should be idle by then
                        prepareReply = reply;
                        return end = End.PREPARED;
                    }
                    send(reply);
                    continue;
                }
                if (inFlight.getAndIncrement() == 0 && quick(frame)) {
                    answer(frame);   // nothing else runs: no handing over to a worker thread
                    continue;
                }
                try {
                    workers.execute(() -> answer(frame));
                } catch (RejectedExecutionException e) {
                    done();
                    send(errorFrame(frame, Errno.EIO, "daemon is shutting down"));
                }
            }
        } finally {
            if (end != End.PREPARED) {
                drain();
            }
        }
    }

    /**
     * After {@link End#PREPARED}: answers the prepare-save call, then reads frames until a {@code Resume} (returned, for the caller to
     * apply and then say hello again) or a {@code Shutdown} (served). Other calls get an EPROTO error.
     * An end of stream means no host is connected yet (a restored VM's new host connects before the
     * VM runs, but the port may say so late); only a minute of it ends the session.
     */
    public Wake awaitResume() {
        if (prepareReply != null) {
            send(prepareReply);
            prepareReply = null;
        }
        long noHostSince = -1;
        while (true) {
            Frame frame;
            try {
                frame = codec.read();
            } catch (ProtocolException e) {
                Log.error("protocol error while waiting for RESUME, closing", e);
                return new Wake(null, finish(End.PROTOCOL_ERROR));
            } catch (IOException e) {
                Log.error("reading the channel failed while waiting for RESUME", e);
                return new Wake(null, finish(End.IO_ERROR));
            }
            if (frame == null) {
                long now = System.nanoTime();
                if (noHostSince < 0) {
                    noHostSince = now;
                } else if (now - noHostSince > NO_HOST_MS * 1_000_000L) {
                    Log.info("no host came to resume the appliance");
                    return new Wake(null, finish(End.END_OF_STREAM));
                }
                try {
                    Thread.sleep(NO_HOST_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Wake(null, finish(End.IO_ERROR));
                }
                continue;
            }
            noHostSince = -1;
            if (frame.kind() == FrameKind.CALL && frame.procedure() == Procedure.SHUTDOWN.id()) {
                drain();
                send(dispatcher.handle(frame));
                return new Wake(null, End.SHUTDOWN);
            }
            if (frame.kind() == FrameKind.CALL && frame.procedure() == Procedure.RESUME.id()) {
                try {
                    Calls.Resume resume = (Calls.Resume) RecordCodec.decode(frame.body(), Calls.Resume.class);
                    if (resume != null) {
                        return new Wake(resume, null);
                    }
                } catch (ProtocolException e) {
                    Log.error("bad RESUME frame, closing", e);
                }
                return new Wake(null, finish(End.PROTOCOL_ERROR));
            }
            send(errorFrame(frame, Errno.EPROTO, "the appliance is waiting for RESUME"));
        }
    }

    private End finish(End end) {
        drain();
        return end;
    }

    /** Waits (bounded) until no call is in flight; the workers stay. */
    private void quiesce() {
        long deadline = System.nanoTime() + DRAIN_SECONDS * 1_000_000_000L;
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    Log.warn("calls still running after " + DRAIN_SECONDS + " s");
                    return;
                }
                try {
                    idle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void done() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
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

    /**
     * Calls answered on the reading thread when nothing else is in flight: a hand-over to a worker
     * costs the guest a thread switch, which under TCG is a good part of a small call's time. Only
     * calls that never wait long (no sync, mount, large I/O or listing of many directories), so
     * that a call arriving meanwhile waits little.
     */
    private static boolean quick(Frame frame) {
        if (frame.kind() != FrameKind.CALL) {
            return false;
        }
        int p = frame.procedure();
        return p == Procedure.PING.id() || p == Procedure.LSTAT.id() || p == Procedure.CREATE.id()
                || (p == Procedure.CREATE_WRITE.id() && frame.body().length <= QUICK_WRITE_BYTES)
                || p == Procedure.OPEN.id() || p == Procedure.RELEASE.id() || p == Procedure.FSTAT.id()
                || p == Procedure.GETXATTR.id() || p == Procedure.READLINK.id()
                || p == Procedure.UNLINK.id() || p == Procedure.MKDIR.id() || p == Procedure.RENAME.id()
                || p == Procedure.CHMOD.id() || p == Procedure.LCHOWN.id() || p == Procedure.UTIMENS.id()
                || (p == Procedure.PWRITE.id() && frame.body().length <= QUICK_WRITE_BYTES);
    }

    /** Runs a call and writes its reply (a PREAD reply is written by the dispatcher in place). */
    private void answer(Frame frame) {
        try {
            Frame reply = dispatcher.handle(frame, codec);
            if (reply != null) {
                send(reply);
            }
        } catch (IOException e) {
            writeFailed(e);
        } finally {
            done();
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
