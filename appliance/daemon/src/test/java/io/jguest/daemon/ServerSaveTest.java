package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.daemon.block.DeviceWait;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.protocol.Call;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameCodec;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.RecordCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's side of a saved appliance, in-process: a prepare-save call waits for the calls in
 * flight and ends {@link Server#serve()} with the workers alive; {@link Server#awaitResume()} answers
 * other calls with EPROTO and returns the resume (or serves a shutdown); serving then goes on.
 * (Applying a resume sets the clock: that only happens in the appliance, see SavedApplianceIT.)
 */
class ServerSaveTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private LocalFileSystem files;
    private OutputStream toServer;
    private FrameCodec host;
    private Server server;
    /** What the prepare's rehearsal asked to refresh (a test must not set the clock of the host). */
    private final java.util.List<Long> refreshed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Resumption resumption = new Resumption(DeviceWait.none(),
            (epochNanos, entropy) -> refreshed.add(epochNanos), true, 0);
    /** Released to let the slow sync finish. */
    private final CountDownLatch syncGate = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("hello.txt"), "hi");
        files = new LocalFileSystem(Sysroot.open(dir));
        Pipe calls = Pipe.open();
        Pipe replies = Pipe.open();
        toServer = Channels.newOutputStream(calls.sink());
        host = new FrameCodec(Channels.newInputStream(replies.source()), toServer);
        server = new Server(new FrameChannel(Channels.newInputStream(calls.source()), replies.sink()),
                new Dispatcher(files, new SlowSyncSession(), () -> { }, resumption), 4);
    }

    @AfterEach
    void stop() throws IOException {
        toServer.close();
        files.close();
    }

    @Test
    void prepareWaitsForCallsInFlightThenResumeAndServeAgain() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CompletableFuture<Server.End> serving = CompletableFuture.supplyAsync(server::serve);
            send(1, new Calls.Sync()); // held until the gate opens
            send(2, new Calls.PrepareSave());
            Thread.sleep(200);
            assertFalse(serving.isDone(), "prepare waits for the sync in flight");
            syncGate.countDown();
            Frame first = host.read();
            assertEquals(1, first.serial(), "the call in flight is answered before the prepare");
            assertEquals(FrameKind.REPLY, first.kind());
            assertEquals(Server.End.PREPARED, serving.get(5, TimeUnit.SECONDS));
            assertEquals(1, refreshed.size(), "the prepare rehearses a resume");

            CompletableFuture<Server.Wake> waking = CompletableFuture.supplyAsync(server::awaitResume);
            Frame second = host.read();
            assertEquals(2, second.serial(), "answered when the daemon waits for the resume");
            assertEquals(FrameKind.REPLY, second.kind());
            send(3, new Calls.Ping("too early"));
            assertError(host.read(), 3, "EPROTO");
            byte[] entropy = new byte[32];
            Arrays.fill(entropy, (byte) 7);
            send(4, new Calls.Resume(1_700_000_000_123_456_789L, entropy, 3, true));
            Server.Wake wake = waking.get(5, TimeUnit.SECONDS);
            assertNull(wake.end());
            assertEquals(1_700_000_000_123_456_789L, wake.resume().epochNanos());
            assertArrayEquals(entropy, wake.resume().entropy());
            assertEquals(3, wake.resume().drives());
            assertTrue(wake.resume().verbose());

            // the same server (and its workers) serves the restored session
            serving = CompletableFuture.supplyAsync(server::serve);
            send(5, new Calls.Lstat("/hello.txt"));
            Frame lstat = host.read();
            assertEquals(5, lstat.serial());
            assertEquals(FrameKind.REPLY, lstat.kind());
            send(6, new Calls.Shutdown());
            assertEquals(6, host.read().serial());
            assertEquals(Server.End.SHUTDOWN, serving.get(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void shutdownWhileWaitingForResume() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CompletableFuture<Server.Wake> waking = prepared();
            assertEquals(FrameKind.REPLY, host.read().kind());
            send(2, new Calls.Shutdown());
            Frame bye = host.read();
            assertEquals(2, bye.serial());
            assertEquals(FrameKind.REPLY, bye.kind());
            assertEquals(new Server.Wake(null, Server.End.SHUTDOWN), waking.get(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void aBadResumeEndsTheSession() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CompletableFuture<Server.Wake> waking = prepared();
            host.read();
            host.write(new Frame(2, Procedure.RESUME.id(), FrameKind.CALL, new byte[] {1, 2}));
            assertEquals(new Server.Wake(null, Server.End.PROTOCOL_ERROR), waking.get(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void statusAndMisplacedCalls() {
        assertTimeoutPreemptively(LIMIT, () -> {
            syncGate.countDown();
            CompletableFuture<Server.End> serving = CompletableFuture.supplyAsync(server::serve);
            send(1, new Calls.Status());
            send(2, new Calls.Status());
            Calls.ApplianceStatus a = status(host.read());
            Calls.ApplianceStatus b = status(host.read());
            assertEquals(16, a.random().length);
            assertFalse(Arrays.equals(a.random(), b.random()), "fresh random bytes per call");
            assertEquals(0, a.resumes());
            long now = System.currentTimeMillis() * 1_000_000L;
            assertTrue(Math.abs(now - a.epochNanos()) < 60_000_000_000L, "the guest clock is the clock");
            send(3, new Calls.Resume(0, new byte[32], 0, false));
            assertError(host.read(), 3, "EPROTO");
            send(4, new Calls.Shutdown());
            host.read();
            assertEquals(Server.End.SHUTDOWN, serving.get(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void aDaemonOutsideTheApplianceCannotBeSaved() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Pipe calls = Pipe.open();
            Pipe replies = Pipe.open();
            OutputStream out = Channels.newOutputStream(calls.sink());
            FrameCodec client = new FrameCodec(Channels.newInputStream(replies.source()), out);
            Server plain = new Server(new FrameChannel(Channels.newInputStream(calls.source()), replies.sink()),
                    new Dispatcher(files, new SlowSyncSession(), () -> { }), 2);
            CompletableFuture<Server.End> serving = CompletableFuture.supplyAsync(plain::serve);
            Procedure p = Procedure.PREPARE_SAVE;
            client.write(new Frame(1, p.id(), FrameKind.CALL, RecordCodec.encode(new Calls.PrepareSave(), p.callType())));
            assertError(client.read(), 1, "ENOTSUP");
            out.close();
            assertEquals(Server.End.END_OF_STREAM, serving.get(5, TimeUnit.SECONDS));
        });
    }

    private Calls.ApplianceStatus status(Frame f) throws IOException {
        assertEquals(FrameKind.REPLY, f.kind());
        return (Calls.ApplianceStatus) RecordCodec.decode(f.body(), Calls.ApplianceStatus.class);
    }

    /** Serving with nothing in flight, a PREPARE_SAVE (#1) ends it; then waiting for the resume. */
    private CompletableFuture<Server.Wake> prepared() throws Exception {
        syncGate.countDown();
        CompletableFuture<Server.End> serving = CompletableFuture.supplyAsync(server::serve);
        send(1, new Calls.PrepareSave());
        assertEquals(Server.End.PREPARED, serving.get(5, TimeUnit.SECONDS));
        return CompletableFuture.supplyAsync(server::awaitResume);
    }

    private void send(int serial, Call<?> call) throws IOException {
        Procedure p = Procedure.of(call);
        host.write(new Frame(serial, p.id(), FrameKind.CALL, RecordCodec.encode(call, p.callType())));
    }

    private static void assertError(Frame reply, int serial, String errno) throws IOException {
        assertEquals(serial, reply.serial());
        assertEquals(FrameKind.ERROR, reply.kind());
        assertEquals(errno, ((ErrorReply) RecordCodec.decode(reply.body(), ErrorReply.class)).errno());
    }

    /** A session whose sync waits for the test's gate. */
    private final class SlowSyncSession extends NoDevicesSession {
        @Override
        public void sync() {
            try {
                syncGate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
