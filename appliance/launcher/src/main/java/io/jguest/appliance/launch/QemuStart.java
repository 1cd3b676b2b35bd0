package io.jguest.appliance.launch;

import io.jguest.appliance.qmp.Qmp;
import io.jguest.appliance.rpc.RpcClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One qemu being started, and what it holds until a {@link QemuGuest} takes it over: a private
 * directory ({@code jguest-*}, mode 0700) with the UNIX sockets qemu connects to (the channel, and
 * QMP when asked), the qemu process, and once connected the RPC client and the QMP client. Until
 * {@link #handOver()}, {@link #close()} releases everything: kills qemu, closes the connections and
 * removes the directory. Not thread-safe: one launching thread uses it.
 */
final class QemuStart implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QemuStart.class);
    private static final Duration QMP_GREETING = Duration.ofSeconds(10);

    final Path tempDir;
    final QemuProcess qemu;
    private final Path channelSocket;
    private final Path qmpSocket;
    private ServerSocketChannel channelServer;
    private ServerSocketChannel qmpServer;
    private SocketChannel channel;
    private RpcClient rpc;
    private Qmp qmp;
    private boolean handedOver;

    private QemuStart(Path tempDir, Path channelSocket, Path qmpSocket, ServerSocketChannel channelServer,
                      ServerSocketChannel qmpServer, QemuProcess qemu) {
        this.tempDir = tempDir;
        this.channelSocket = channelSocket;
        this.qmpSocket = qmpSocket;
        this.channelServer = channelServer;
        this.qmpServer = qmpServer;
        this.qemu = qemu;
    }

    /**
     * Makes the private directory and sockets and starts qemu with {@code argv(channelSocket,
     * qmpSocket)} ({@code qmpSocket} null without QMP). On failure nothing is left behind.
     */
    static QemuStart start(BiFunction<Path, Path, List<String>> argv, boolean withQmp, Consumer<String> console)
            throws IOException {
        Path dir = Files.createTempDirectory("jguest-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        ServerSocketChannel channelServer = null;
        ServerSocketChannel qmpServer = null;
        try {
            Path channelSocket = dir.resolve("channel.sock");
            channelServer = listen(channelSocket);
            Path qmpSocket = null;
            if (withQmp) {
                qmpSocket = dir.resolve("qmp.sock");
                qmpServer = listen(qmpSocket);
            }
            QemuProcess qemu = QemuProcess.start(argv.apply(channelSocket, qmpSocket), console);
            return new QemuStart(dir, channelSocket, qmpSocket, channelServer, qmpServer, qemu);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channelServer);
            closeQuietly(qmpServer);
            deleteTree(dir);
            throw e;
        }
    }

    private static ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            s.bind(UnixDomainSocketAddress.of(socket));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Accepts qemu's connections before {@code deadline} (nanoTime): the channel, whose RPC client
     * starts reading at once, and QMP (greeting and negotiation). The socket files go as soon as qemu
     * is connected, so that not even a SIGKILL of this process can leave them behind.
     *
     * @throws IOException                           qemu exited first, or QMP is not QMP
     * @throws java.util.concurrent.TimeoutException qemu did not connect in time
     */
    void connect(long deadline) throws IOException, java.util.concurrent.TimeoutException, InterruptedException {
        channel = accept(channelServer, deadline);
        channelServer.close();
        Files.deleteIfExists(channelSocket);
        rpc = new RpcClient(new BufferedInputStream(SocketStreams.in(channel), 1 << 16),
                new BufferedOutputStream(SocketStreams.out(channel), 1 << 16), channel);
        RpcClient watched = rpc;
        qemu.onExit().thenRun(watched::close);
        if (qmpServer != null) {
            SocketChannel q = accept(qmpServer, deadline);
            qmpServer.close();
            Files.deleteIfExists(qmpSocket);
            long left = Math.max(1, Math.min(deadline - System.nanoTime(), QMP_GREETING.toNanos()));
            qmp = Qmp.connect(SocketStreams.in(q), SocketStreams.out(q), q, Duration.ofNanos(left));
        }
    }

    RpcClient rpc() {
        return rpc;
    }

    /** The QMP client (after {@link #connect}, when started with QMP), else null. */
    Qmp qmp() {
        return qmp;
    }

    /** From now on a {@link QemuGuest} owns qemu, the connections and the directory. */
    void handOver() {
        handedOver = true;
    }

    private SocketChannel accept(ServerSocketChannel server, long deadline)
            throws IOException, java.util.concurrent.TimeoutException {
        server.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            server.register(sel, SelectionKey.OP_ACCEPT);
            while (true) {
                SocketChannel ch = server.accept();
                if (ch != null) {
                    ch.configureBlocking(true);
                    return ch;
                }
                if (!qemu.isAlive()) {
                    qemu.waitFor(Duration.ofSeconds(1));
                    throw new IOException("qemu exited before connecting");
                }
                if (Thread.currentThread().isInterrupted()) {
                    // select() returns at once when interrupted: stop instead of spinning to the deadline
                    throw new java.io.InterruptedIOException("interrupted while waiting for qemu to connect");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new java.util.concurrent.TimeoutException("qemu did not connect");
                }
                sel.select(Math.max(1, Math.min(200, left / 1_000_000)));
                sel.selectedKeys().clear();
            }
        }
    }

    /** Unless handed over: closes the connections, kills qemu, removes the directory. Idempotent. */
    @Override
    public void close() {
        if (handedOver) {
            return;
        }
        handedOver = true;
        if (qmp != null) {
            qmp.close();
        }
        if (rpc != null) {
            rpc.close();
        } else {
            closeQuietly(channel);
        }
        qemu.close();
        closeQuietly(channelServer);
        closeQuietly(qmpServer);
        deleteTree(tempDir);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("close: {}", e.toString());
            }
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", dir, e.toString());
        }
    }
}
