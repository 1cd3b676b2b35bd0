package io.jguest.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.api.FileAttributes;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.fs.Sysroot;
import io.jguest.protocol.Call;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameCodec;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Hello;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.RecordCodec;
import io.jguest.protocol.Wire;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole protocol in-process: a server on pipes, called through {@link FrameCodec} as the host does. */
class ServerTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private Sysroot sysroot;
    private LocalFileSystem files;
    private final AtomicBoolean prepared = new AtomicBoolean();
    /** Two Sync calls meet here: both can only return if the server runs them at the same time. */
    private final CyclicBarrier syncBarrier = new CyclicBarrier(2);
    private OutputStream toServer;
    private FrameCodec host;
    private CompletableFuture<Server.End> serving;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("hello.txt"), "hi");
        sysroot = Sysroot.open(dir);
        files = new LocalFileSystem(sysroot);
        Pipe calls = Pipe.open();
        Pipe replies = Pipe.open();
        toServer = Channels.newOutputStream(calls.sink());
        host = new FrameCodec(Channels.newInputStream(replies.source()), toServer);
        serve(new FrameChannel(Channels.newInputStream(calls.source()), replies.sink()));
    }

    /** A server with 8 workers on {@code channel}: its hello, then serving, in the background ({@link #serving}). */
    private void serve(FrameChannel channel) {
        Server server = new Server(channel, new Dispatcher(files, new BarrierSession(), () -> prepared.set(true)), 8);
        serving = CompletableFuture.supplyAsync(() -> {
            try {
                server.sendHello(SystemInfo.hello(List.of("test")));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return server.serve();
        });
    }

    @AfterEach
    void stop() throws IOException {
        toServer.close();
        files.close();
    }

    @Test
    void helloFirstThenConcurrentCallsAnsweredBySerial() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Frame first = host.read();
            assertEquals(FrameKind.HELLO, first.kind());
            Hello hello = (Hello) RecordCodec.decode(first.body(), Hello.class);
            assertEquals(Wire.MAGIC, hello.magic());
            assertEquals(Wire.VERSION, hello.version());
            assertEquals(Wire.MAX_FRAME, hello.maxFrame());
            assertEquals(List.of("test"), hello.capabilities());

            Map<Integer, Call<?>> sent = new HashMap<>();
            sent.put(10, new Calls.Sync());
            for (int i = 11; i < 40; i++) {
                sent.put(i, i % 3 == 0 ? new Calls.Lstat("/hello.txt") : i % 3 == 1
                        ? new Calls.Ping("ping " + i) : new Calls.Lstat("/missing-" + i));
            }
            sent.put(40, new Calls.Sync());
            for (int serial = 10; serial <= 40; serial++) {
                send(serial, sent.get(serial));
            }
            Map<Integer, Frame> replies = new HashMap<>();
            for (int i = 0; i < sent.size(); i++) {
                Frame f = host.read();
                assertNull(replies.put(f.serial(), f), "two replies for #" + f.serial());
            }
            assertEquals(sent.keySet(), replies.keySet());
            for (var e : sent.entrySet()) {
                Frame reply = replies.get(e.getKey());
                Procedure p = Procedure.of(e.getValue());
                assertEquals(p.id(), reply.procedure());
                switch (e.getValue()) {
                    case Calls.Ping ping -> assertEquals(ping.text(), decode(reply, p));
                    case Calls.Lstat l when l.path().startsWith("/missing") -> {
                        assertEquals(FrameKind.ERROR, reply.kind());
                        ErrorReply err = (ErrorReply) RecordCodec.decode(reply.body(), ErrorReply.class);
                        assertEquals("ENOENT", err.errno());
                        assertEquals(l.path(), err.path());
                    }
                    case Calls.Lstat l -> assertEquals(2, ((FileAttributes) decode(reply, p)).size());
                    case Calls.Sync s -> assertEquals(FrameKind.REPLY, reply.kind(), "both syncs ran at once");
                    default -> throw new AssertionError(e);
                }
            }

            send(99, new Calls.Shutdown());
            Frame bye = host.read();
            assertEquals(99, bye.serial());
            assertEquals(FrameKind.REPLY, bye.kind());
            assertEquals(Server.End.SHUTDOWN, serving.get(5, TimeUnit.SECONDS));
            assertTrue(prepared.get());
        });
    }

    @Test
    void readsAndWritesOfLocalFilesTravelWholeAndInOrder() {
        assertTimeoutPreemptively(LIMIT, this::readsAndWritesTravelWholeAndInOrder);
    }

    /**
     * The same with the replies on a descriptor the server knows (a FIFO read by {@code cat}, as the
     * appliance's port): PREAD replies are spliced from the file onto it, through pipes of 1 MiB.
     */
    @Test
    void splicedReadsTravelWholeAndInOrder() throws Exception {
        toServer.close();
        assertEquals(Server.End.END_OF_STREAM, serving.get(5, TimeUnit.SECONDS));
        Path fifo = dir.resolve("replies.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        Process cat = new ProcessBuilder("cat", fifo.toString()).start();
        try (FileOutputStream replies = new FileOutputStream(fifo.toFile())) {
            int fd = Channel.descriptorOf(fifo);
            assertTrue(fd > 2, "the FIFO's descriptor: " + fd);
            Pipe calls = Pipe.open();
            toServer = Channels.newOutputStream(calls.sink());
            host = new FrameCodec(cat.getInputStream(), toServer);
            FrameChannel channel = new FrameChannel(Channels.newInputStream(calls.source()), replies.getChannel(),
                    Wire.MAX_FRAME, fd);
            serve(channel);
            assertTimeoutPreemptively(LIMIT, this::readsAndWritesTravelWholeAndInOrder);
            assertTrue(channel.splicing(), "the replies were copied, not spliced");
            toServer.close();
            assertEquals(Server.End.END_OF_STREAM, serving.get(5, TimeUnit.SECONDS));
        } finally {
            cat.destroy();
        }
    }

    private void readsAndWritesTravelWholeAndInOrder() throws Exception {
        {
            assertEquals(FrameKind.HELLO, host.read().kind());
            send(1, new Calls.Create("/data.bin", 2, 0644, -1, -1));
            long h = ((OpenFile) decode(host.read(), Procedure.CREATE)).handle();
            byte[] data = new byte[(7 << 20) / 2];
            new Random(7).nextBytes(data);
            send(2, new Calls.Pwrite(h, 0, data));
            assertEquals(data.length, decode(host.read(), Procedure.PWRITE));
            // several big reads in flight: each reply frame must arrive whole, the last one short at EOF
            int chunk = 1 << 20;
            for (int i = 0; i < 4; i++) {
                send(10 + i, new Calls.Pread(h, (long) i * chunk + 5, chunk));
            }
            for (int i = 0; i < 4; i++) {
                Frame f = host.read();
                int k = f.serial() - 10;
                int from = k * chunk + 5;
                byte[] expected = Arrays.copyOfRange(data, from, Math.min(data.length, from + chunk));
                assertArrayEquals(expected, (byte[]) decode(f, Procedure.PREAD), "read #" + k);
            }
            send(20, new Calls.Pread(h, data.length + 100, 10));
            assertArrayEquals(new byte[0], (byte[]) decode(host.read(), Procedure.PREAD));
            send(21, new Calls.Pread(h + 100, 0, 10));
            assertError(host.read(), 21, "EBADF");
            send(22, new Calls.Pread(h, 0, Wire.MAX_IO + 1));
            assertError(host.read(), 22, "EINVAL");
            send(23, new Calls.Pread(h, -1, 10));
            assertError(host.read(), 23, "EINVAL");
            host.write(new Frame(24, Procedure.PWRITE.id(), FrameKind.CALL, new byte[] {1, 0, 0}));
            assertError(host.read(), 24, "EPROTO");
            send(25, new Calls.Pwrite(h, -1, new byte[1]));
            assertError(host.read(), 25, "EINVAL");
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("data.bin")));
            // the largest read, unaligned, short at the end of the file (spliced: four pipes, the last part-filled)
            send(26, new Calls.Pread(h, 4097, Wire.MAX_IO));
            assertArrayEquals(Arrays.copyOfRange(data, 4097, data.length), (byte[]) decode(host.read(), Procedure.PREAD));
            send(27, new Calls.Pread(h, 3, 0));
            assertArrayEquals(new byte[0], (byte[]) decode(host.read(), Procedure.PREAD));
        }
    }

    @Test
    void badFramesGetErrorsAndServingGoesOn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            assertEquals(FrameKind.HELLO, host.read().kind());
            host.write(new Frame(1, 4242, FrameKind.CALL, new byte[0]));
            assertError(host.read(), 1, "EINVAL");
            host.write(new Frame(2, Procedure.LSTAT.id(), FrameKind.CALL, new byte[] {9}));
            assertError(host.read(), 2, "EPROTO");
            host.write(new Frame(3, Procedure.PING.id(), FrameKind.REPLY, new byte[0]));
            assertError(host.read(), 3, "EPROTO");
            send(4, new Calls.Ping("still here"));
            assertEquals("still here", decode(host.read(), Procedure.PING));
        });
    }

    @Test
    void endOfStreamEndsServing() {
        assertTimeoutPreemptively(LIMIT, () -> {
            assertEquals(FrameKind.HELLO, host.read().kind());
            toServer.close();
            assertEquals(Server.End.END_OF_STREAM, serving.get(5, TimeUnit.SECONDS));
        });
    }

    @Test
    void oversizedFrameIsAProtocolError() {
        assertTimeoutPreemptively(LIMIT, () -> {
            assertEquals(FrameKind.HELLO, host.read().kind());
            toServer.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 1});
            toServer.flush();
            assertEquals(Server.End.PROTOCOL_ERROR, serving.get(5, TimeUnit.SECONDS));
        });
    }

    private void send(int serial, Call<?> call) throws IOException {
        Procedure p = Procedure.of(call);
        host.write(new Frame(serial, p.id(), FrameKind.CALL, RecordCodec.encode(call, p.callType())));
    }

    private static Object decode(Frame reply, Procedure p) throws IOException {
        assertEquals(FrameKind.REPLY, reply.kind(), () -> "reply to #" + reply.serial());
        return RecordCodec.decode(reply.body(), p.replyType());
    }

    private static void assertError(Frame reply, int serial, String errno) throws IOException {
        assertNotNull(reply);
        assertEquals(serial, reply.serial());
        assertEquals(FrameKind.ERROR, reply.kind());
        assertEquals(errno, ((ErrorReply) RecordCodec.decode(reply.body(), ErrorReply.class)).errno());
    }

    /** A session whose {@code sync} waits for a second concurrent {@code sync}. */
    private final class BarrierSession extends NoDevicesSession {
        @Override
        public void sync() throws GuestFsException {
            try {
                syncBarrier.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new GuestFsException(io.jguest.api.Errno.ETIMEDOUT, null, "no concurrent sync");
            }
        }
    }
}
