package io.jguest.appliance.launch;

import io.jguest.api.GuestFsException;
import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.ConsoleCapture;
import io.jguest.appliance.Guest;
import io.jguest.appliance.LaunchReport;
import io.jguest.appliance.build.Appliance;
import io.jguest.appliance.build.ApplianceBuilder;
import io.jguest.appliance.build.BuildRequest;
import io.jguest.appliance.rpc.RemoteGuest;
import io.jguest.appliance.rpc.RpcClient;
import io.jguest.protocol.Calls;
import io.jguest.protocol.Hello;
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
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Guest} backed by a qemu process on this host. See the package documentation. */
public final class QemuGuest extends RemoteGuest implements Guest {
    /** The logger that gets every console line of the appliance, at DEBUG. */
    public static final String CONSOLE_LOGGER = "io.jguest.console";

    private static final Logger log = LoggerFactory.getLogger(QemuGuest.class);
    private static final Duration SHUTDOWN_REPLY = Duration.ofSeconds(10);
    private static final Duration SHUTDOWN_EXIT = Duration.ofSeconds(10);

    private final QemuProcess qemu;
    private final Path tempDir;
    private final Hello hello;
    private final LaunchReport report;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private QemuGuest(RpcClient rpc, QemuProcess qemu, Path tempDir, Hello hello, LaunchReport report) {
        super(rpc);
        this.qemu = qemu;
        this.tempDir = tempDir;
        this.hello = hello;
        this.report = report;
        this.shutdownHook = new Thread(this::close, "jguest-appliance-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // start() has already tied the channel's end to qemu's exit; here only the unexpected case is told
        qemu.onExit().thenRun(() -> {
            if (!closed.get()) {
                log.warn("the appliance exited unexpectedly; console tail:\n{}", qemu.tail());
            }
        });
    }

    /** Checks the drives, gets the appliance, boots it (KVM, falling back to TCG) and waits for hello. */
    public static Guest launch(ApplianceConfig cfg) throws ApplianceException {
        QemuBinary qemu = QemuBinary.find();
        List<DriveProbe.Resolved> drives = DriveProbe.resolveAll(cfg.drives(), qemu);
        if (cfg.daemonClasspath().isEmpty()) {
            throw new ApplianceException("the daemon jars are not known: set -D" + ApplianceConfig.DAEMON_CLASSPATH_PROPERTY
                    + " (the jguest scripts do this)");
        }
        long t0 = System.nanoTime();
        Appliance appliance = ApplianceBuilder.create(new BuildRequest(cfg.cacheDir(), cfg.daemonClasspath(), null))
                .getOrBuild(cfg.progress());
        Duration build = Duration.ofNanos(System.nanoTime() - t0);

        AccelVerdicts verdicts = AccelVerdicts.forHost(cfg.cacheDir(), qemu.version(), AccelVerdicts.systemKvm());
        Accel accel = verdicts.choose(cfg.accel());
        boolean fallback = false;
        if (accel == Accel.KVM) {
            boolean judging = cfg.accel() == Accel.AUTO;
            try {
                QemuGuest g = start(cfg, qemu, drives, appliance, Accel.KVM,
                        judging ? cfg.kvmReadyTimeout() : cfg.readyTimeout(), build, false);
                if (judging) {
                    verdicts.recordKvmWorks();
                }
                return g;
            } catch (ApplianceException.LaunchFailed e) {
                if (!judging) {
                    throw e;
                }
                // KVM hung or qemu crashed under KVM (both seen on hosts with broken nested virtualisation)
                log.warn("KVM did not boot the appliance ({}): trying TCG", e.getMessage());
                fallback = true;
            }
        }
        QemuGuest g = start(cfg, qemu, drives, appliance, Accel.TCG, cfg.readyTimeout(), build, fallback);
        if (fallback) {
            // TCG works where KVM did not: KVM is what is broken here; remember it
            verdicts.recordKvmBroken();
            log.info("KVM is broken on this host: later launches use TCG directly");
        }
        return g;
    }

    private static QemuGuest start(ApplianceConfig cfg, QemuBinary qemuBin, List<DriveProbe.Resolved> drives,
                                   Appliance appliance, Accel accel, Duration timeout, Duration build,
                                   boolean fallback) throws ApplianceException {
        Path tempDir = null;
        ServerSocketChannel server = null;
        QemuProcess qemu = null;
        SocketChannel channel = null;
        RpcClient rpc = null;
        boolean ok = false;
        try {
            tempDir = Files.createTempDirectory("jguest-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path socket = tempDir.resolve("channel.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            QemuCommandLine cmd = new QemuCommandLine(qemuBin.path(), accel, cfg.memoryMiB(), cfg.cpus(), appliance,
                    drives, socket, cfg.extraKernelArgs(), null);
            log.debug("launching the appliance under {}: kernel {}", accel, appliance.kernelRelease());
            qemu = QemuProcess.start(cmd.argv(), cfg.console());
            long deadline = qemu.startNanos() + timeout.toNanos();

            channel = accept(server, qemu, deadline);
            server.close();
            // qemu is connected: the socket and its private directory are no longer needed, and
            // removing them now means not even a SIGKILL of this process can leave them behind
            Files.deleteIfExists(socket);
            Files.deleteIfExists(tempDir);
            rpc = new RpcClient(new BufferedInputStream(SocketStreams.in(channel), 1 << 16),
                    new BufferedOutputStream(SocketStreams.out(channel), 1 << 16), channel);
            RpcClient watched = rpc;
            qemu.onExit().thenRun(watched::close);
            Hello hello = rpc.awaitHello(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            Duration toHello = Duration.ofNanos(System.nanoTime() - qemu.startNanos());
            LaunchReport report = new LaunchReport(accel, fallback, build, toHello,
                    Duration.ofMillis(hello.initMillis()), Duration.ofMillis(hello.uptimeMillis()),
                    hello.kernelRelease(), qemuBin.version());
            log.debug("appliance ready in {} ms under {} (guest uptime {} ms)", toHello.toMillis(), accel,
                    hello.uptimeMillis());
            QemuGuest g = new QemuGuest(rpc, qemu, tempDir, hello, report);
            ok = true;
            return g;
        } catch (TimeoutException e) {
            // the message stays one line; the console tail travels beside it (shown with -v)
            throw new ApplianceException.LaunchFailed("the appliance did not become ready within "
                    + timeout.toSeconds() + " s under " + accel, qemu == null ? null : qemu.tail(), e);
        } catch (IOException e) {
            throw launchFailure(qemu, drives, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException.LaunchFailed("interrupted while launching the appliance", null, e);
        } finally {
            if (!ok) {
                if (rpc != null) {
                    rpc.close();
                } else {
                    closeQuietly(channel);
                }
                if (qemu != null) {
                    qemu.close();
                }
                closeQuietly(server);
                deleteTree(tempDir);
            }
        }
    }

    private static SocketChannel accept(ServerSocketChannel server, QemuProcess qemu, long deadline)
            throws IOException, TimeoutException {
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
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("qemu did not connect");
                }
                sel.select(Math.max(1, Math.min(200, left / 1_000_000)));
                sel.selectedKeys().clear();
            }
        }
    }

    private static ApplianceException launchFailure(QemuProcess qemu, List<DriveProbe.Resolved> drives, IOException e) {
        if (qemu == null) {
            return new ApplianceException.LaunchFailed("cannot start qemu: " + e.getMessage(), null, e);
        }
        boolean exited = qemu.waitFor(Duration.ofSeconds(2));
        String err = qemu.stderr();
        for (DriveProbe.Resolved d : drives) {
            if (err.contains(d.path().toString()) && err.contains("lock")) {
                return new ApplianceException.BadDrive(d.path() + ": is in use by another process (qemu could not lock it)");
            }
        }
        // qemu's own complaint explains an exit; while it runs, its stderr holds warnings at best and the
        // cause is ours (a bad hello, a broken channel)
        String firstError = (exited ? err.lines().filter(l -> !l.isBlank()).findFirst() : java.util.Optional.<String>empty())
                .orElse(String.valueOf(e.getMessage())).strip();
        return new ApplianceException.LaunchFailed("the appliance failed to start: " + firstError, qemu.tail(), e);
    }

    @Override
    public Hello hello() {
        return hello;
    }

    @Override
    public LaunchReport report() {
        return report;
    }

    @Override
    public boolean isAlive() {
        return !closed.get() && qemu.isAlive() && rpc.isOpen();
    }

    @Override
    public String consoleTail() {
        return qemu.tail();
    }

    @Override
    public ConsoleCapture console() {
        return qemu.capture();
    }

    /** Console lines with their arrival times (milliseconds after qemu start), for reading. */
    public List<String> consoleTimeline() {
        return console().lines().stream().map(l -> String.format("%10.3f ms  %s", l.nanos() / 1e6, l.text())).toList();
    }

    @Override
    public String ping(String text) throws GuestFsException {
        return super.ping(text);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: we are the hook
        }
        if (qemu.isAlive() && rpc.isOpen()) {
            try {
                // the reply comes after the guest has unmounted everything and synced (a sync flushes the
                // disks through qemu to the image files): from then on nothing is lost by killing qemu, so
                // don't wait for the guest's reboot to wind down
                rpc.call(new Calls.Shutdown(), SHUTDOWN_REPLY);
            } catch (GuestFsException e) {
                log.debug("shutdown call: {}", e.getMessage());
                if (!qemu.waitFor(SHUTDOWN_EXIT)) {
                    log.warn("the appliance did not power off within {} s: killing it", SHUTDOWN_EXIT.toSeconds());
                }
            }
        }
        rpc.close();
        qemu.close();
        deleteTree(tempDir);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("close: {}", e.toString());
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", dir, e.toString());
        }
    }
}
