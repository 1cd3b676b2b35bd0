package io.jguest.appliance.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.jguest.api.DirEntry;
import io.jguest.api.Errno;
import io.jguest.api.FileType;
import io.jguest.api.GuestFsException;
import io.jguest.protocol.Calls;
import io.jguest.protocol.ErrorReply;
import io.jguest.protocol.Frame;
import io.jguest.protocol.FrameCodec;
import io.jguest.protocol.FrameKind;
import io.jguest.protocol.Hello;
import io.jguest.protocol.Procedure;
import io.jguest.protocol.RecordCodec;
import io.jguest.protocol.Wire;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted fake daemon on in-memory pipes. */
class RpcClientTest {
    private final ExecutorService daemonPool = Executors.newCachedThreadPool();
    private RpcClient client;
    private FrameCodec daemon;
    private PipedOutputStream daemonOut;

    private void connect() throws IOException {
        PipedInputStream clientIn = new PipedInputStream(1 << 20);
        daemonOut = new PipedOutputStream(clientIn);
        PipedInputStream daemonIn = new PipedInputStream(1 << 20);
        PipedOutputStream clientOut = new PipedOutputStream(daemonIn);
        daemon = new FrameCodec(daemonIn, daemonOut);
        client = new RpcClient(clientIn, clientOut, () -> {
            clientIn.close();
            clientOut.close();
        });
    }

    private void sayHello(int version) throws IOException {
        Hello h = new Hello(Wire.MAGIC, version, List.of("test"), Wire.MAX_FRAME, "6.1-test", 1234, 567);
        daemon.write(new Frame(0, 0, FrameKind.HELLO, RecordCodec.encode(h, Hello.class)));
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        daemonPool.shutdownNow();
    }

    @Test
    void helloIsCheckedBeforeUse() throws Exception {
        connect();
        sayHello(Wire.VERSION);
        assertEquals(1234, client.awaitHello(Duration.ofSeconds(5)).uptimeMillis());
    }

    @Test
    void aDaemonOfAnotherVersionIsRefused() throws Exception {
        connect();
        sayHello(Wire.VERSION + 1);
        assertThrows(IOException.class, () -> client.awaitHello(Duration.ofSeconds(5)));
    }

    @Test
    void repliesOutOfOrderReachTheirCallers() throws Exception {
        connect();
        sayHello(Wire.VERSION);
        client.awaitHello(Duration.ofSeconds(5));
        int n = 8;
        CountDownLatch allSent = new CountDownLatch(n);
        ExecutorService callers = Executors.newFixedThreadPool(n);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String text = "call-" + i;
            results.add(callers.submit(() -> {
                allSent.countDown();
                return client.call(new Calls.Ping(text));
            }));
        }
        // the fake daemon reads all calls, then answers them in reverse order
        List<Frame> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(daemon.read());
        }
        for (int i = n - 1; i >= 0; i--) {
            Frame c = calls.get(i);
            Calls.Ping ping = (Calls.Ping) RecordCodec.decode(c.body(), Calls.Ping.class);
            daemon.write(new Frame(c.serial(), c.procedure(), FrameKind.REPLY, RecordCodec.encode(ping.text(), String.class)));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < n; i++) {
                assertEquals("call-" + i, results.get(i).get());
            }
        });
        callers.shutdownNow();
    }

    @Test
    void errorsComeBackAsTheirErrno() throws Exception {
        connect();
        sayHello(Wire.VERSION);
        daemonPool.submit(() -> {
            Frame c = daemon.read();
            daemon.write(new Frame(c.serial(), c.procedure(), FrameKind.ERROR,
                    RecordCodec.encode(new ErrorReply("ENOTEMPTY", "/dir", "Directory not empty"), ErrorReply.class)));
            return null;
        });
        GuestFsException e = assertThrows(GuestFsException.class, () -> client.call(new Calls.Rmdir("/dir")));
        assertEquals(Errno.ENOTEMPTY, e.errno());
        assertEquals("/dir", e.path());
    }

    @Test
    void readdirPlusManyAsksAgainForWhatDidNotFitInAReply() throws Exception {
        connect();
        sayHello(Wire.VERSION);
        List<List<String>> asked = new ArrayList<>();
        daemonPool.submit(() -> {
            // the fake daemon answers at most two directories per call; "/bad" cannot be listed
            for (Frame c; (c = daemon.read()) != null; ) {
                var call = (Calls.ReaddirPlusMany) RecordCodec.decode(c.body(), Calls.ReaddirPlusMany.class);
                asked.add(call.dirs());
                List<Calls.Entries> listings = new ArrayList<>();
                for (String dir : call.dirs().subList(0, Math.min(2, call.dirs().size()))) {
                    listings.add(dir.equals("/bad") ? null
                            : new Calls.Entries(List.of(new DirEntry(dir.substring(1), FileType.REGULAR, 7, null))));
                }
                daemon.write(new Frame(c.serial(), c.procedure(), FrameKind.REPLY,
                        RecordCodec.encode(new Calls.Listings(listings), Calls.Listings.class)));
            }
            return null;
        });
        RemoteGuest guest = new RemoteGuest(client);
        List<List<DirEntry>> l = guest.readdirPlusMany(List.of("/a", "/bad", "/c", "/d", "/e"));
        assertEquals(5, l.size());
        assertEquals("a", l.get(0).getFirst().name());
        assertNull(l.get(1));
        assertEquals("c", l.get(2).getFirst().name());
        assertEquals("e", l.get(4).getFirst().name());
        assertEquals(List.of(List.of("/a", "/bad", "/c", "/d", "/e"), List.of("/c", "/d", "/e"), List.of("/e")), asked);
        assertEquals(List.of(), guest.readdirPlusMany(List.of()), "no call for no directories");
    }

    @Test
    void aDeadChannelFailsPendingAndLaterCallsWithEio() throws Exception {
        connect();
        sayHello(Wire.VERSION);
        Future<?> pending = daemonPool.submit(() -> assertThrows(GuestFsException.class,
                () -> client.call(new Calls.Lstat("/slow"))));
        Frame c = daemon.read();
        assertEquals(Procedure.LSTAT.id(), c.procedure());
        daemonOut.close(); // the appliance died mid-call
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> pending.get());
        GuestFsException later = assertThrows(GuestFsException.class, () -> client.call(new Calls.Sync()));
        assertEquals(Errno.EIO, later.errno());
    }
}
