package io.jguest.appliance.launch;

import io.jguest.api.GuestFsException;
import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.ConsoleCapture;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.appliance.LaunchReport;
import io.jguest.appliance.build.Appliance;
import io.jguest.appliance.build.ApplianceBuilder;
import io.jguest.appliance.build.BuildRequest;
import io.jguest.appliance.qmp.Qmp;
import io.jguest.appliance.qmp.QmpException;
import io.jguest.appliance.rpc.RemoteGuest;
import io.jguest.appliance.rpc.RpcClient;
import io.jguest.protocol.Calls;
import io.jguest.protocol.Hello;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    /** The QMP connection of a restored appliance (null after a cold boot). */
    private final Qmp qmp;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    /** The qemu binary (for checking a hot-plugged drive and finding qemu-img). */
    private final QemuBinary qemuBinary;
    /** The drive hot-plugged by {@link #attach}, until {@link #detach}; guarded by {@code this}. */
    private HotPlug plugged;

    QemuGuest(RpcClient rpc, QemuProcess qemu, Path tempDir, Hello hello, LaunchReport report, Qmp qmp,
              QemuBinary qemuBinary) {
        super(rpc);
        this.qemuBinary = qemuBinary;
        this.qemu = qemu;
        this.tempDir = tempDir;
        this.hello = hello;
        this.report = report;
        this.qmp = qmp;
        this.shutdownHook = new Thread(this::close, "jguest-appliance-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // start() has already tied the channel's end to qemu's exit; here only the unexpected case is told
        qemu.onExit().thenRun(() -> {
            if (!closed.get()) {
                log.warn("the appliance exited unexpectedly; console tail:\n{}", qemu.tail());
            }
        });
    }

    /**
     * Checks the drives, gets the appliance, and starts it (KVM, falling back to TCG): from its saved
     * state when there is one (made first when there is none, see {@link SavedLaunch}), else by a cold
     * boot; returns once the daemon has said hello.
     */
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
        SavedLaunch saved = SavedLaunch.forConfig(cfg, qemu, drives, appliance);

        AccelVerdicts verdicts = AccelVerdicts.forHost(cfg.cacheDir(), qemu.version(), AccelVerdicts.systemKvm());
        Accel accel = verdicts.choose(cfg.accel());
        boolean fallback = false;
        if (accel == Accel.KVM) {
            boolean judging = cfg.accel() == Accel.AUTO;
            try {
                QemuGuest g = boot(cfg, qemu, drives, appliance, saved, Accel.KVM,
                        judging ? cfg.kvmReadyTimeout() : cfg.readyTimeout(), judging, build, false);
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
        QemuGuest g = boot(cfg, qemu, drives, appliance, saved, Accel.TCG, cfg.readyTimeout(), false, build, fallback);
        if (fallback) {
            // TCG works where KVM did not: KVM is what is broken here; remember it
            verdicts.recordKvmBroken();
            log.info("KVM is broken on this host: later launches use TCG directly");
        }
        return g;
    }

    /**
     * One attempt under {@code accel}: restored from the saved state when possible, else cold.
     *
     * @param judging KVM is on trial: a launch that is not ready in time is KVM's fault (LaunchFailed)
     */
    private static QemuGuest boot(ApplianceConfig cfg, QemuBinary qemu, List<DriveProbe.Resolved> drives,
                                  Appliance appliance, SavedLaunch saved, Accel accel, Duration timeout,
                                  boolean judging, Duration build, boolean fallback) throws ApplianceException {
        if (saved != null) {
            QemuGuest g = saved.launch(accel, timeout, judging, build, fallback);
            if (g != null) {
                return g;
            }
        }
        return start(cfg, qemu, drives, appliance, accel, timeout, build, fallback);
    }

    /** A cold boot: kernel, init, daemon. */
    private static QemuGuest start(ApplianceConfig cfg, QemuBinary qemuBin, List<DriveProbe.Resolved> drives,
                                   Appliance appliance, Accel accel, Duration timeout, Duration build,
                                   boolean fallback) throws ApplianceException {
        QemuStart s = null;
        try {
            log.debug("launching the appliance under {}: kernel {}", accel, appliance.kernelRelease());
            s = QemuStart.start((socket, qmp) -> new QemuCommandLine(qemuBin, accel, cfg.memoryMiB(), cfg.cpus(),
                    appliance, drives, socket, cfg.extraKernelArgs(), null).argv(), false, cfg.console());
            long deadline = s.qemu.startNanos() + timeout.toNanos();
            s.connect(deadline);
            Hello hello = s.rpc().awaitHello(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            Duration toHello = Duration.ofNanos(System.nanoTime() - s.qemu.startNanos());
            LaunchReport report = new LaunchReport(accel, fallback, build, toHello,
                    Duration.ofMillis(hello.initMillis()), Duration.ofMillis(hello.uptimeMillis()),
                    hello.kernelRelease(), qemuBin.version(), false, Duration.ZERO);
            log.debug("appliance ready in {} ms under {} (guest uptime {} ms)", toHello.toMillis(), accel,
                    hello.uptimeMillis());
            QemuGuest g = new QemuGuest(s.rpc(), s.qemu, s.tempDir, hello, report, null, qemuBin);
            s.handOver();
            return g;
        } catch (TimeoutException e) {
            throw notReady(timeout, accel, s, e);
        } catch (IOException e) {
            throw launchFailure(s == null ? null : s.qemu, drives, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException.LaunchFailed("interrupted while launching the appliance", null, e);
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The launch failure of an appliance that did not say hello within {@code timeout}. */
    static ApplianceException.LaunchFailed notReady(Duration timeout, Accel accel, QemuStart s, Exception e) {
        // the message stays one line; the console tail travels beside it (shown with -v)
        return new ApplianceException.LaunchFailed("the appliance did not become ready within "
                + timeout.toSeconds() + " s under " + accel, s == null ? null : s.qemu.tail(), e);
    }

    static ApplianceException launchFailure(QemuProcess qemu, List<DriveProbe.Resolved> drives, IOException e) {
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

    /** A restored appliance has QMP, so it can take and give back drives. */
    @Override
    public boolean canHotPlug() {
        return qmp != null && qmp.isOpen();
    }

    /**
     * Hot-plugs {@code drive} read-only as the only user disk (SCSI target 0, {@code /dev/sda}): its
     * qcow2 overlay in a private directory (deleted once qemu has it open), {@code blockdev-add},
     * {@code device_add}, then the daemon waits until it sees exactly that disk.
     *
     * @throws ApplianceException.BadDrive the image cannot be attached (missing, empty, not an image,
     *                                     qemu cannot open it)
     * @throws ApplianceException          the appliance or its QMP connection failed
     */
    @Override
    public synchronized void attach(Drive drive) throws ApplianceException {
        if (!canHotPlug()) {
            throw new ApplianceException("this appliance cannot hot-plug drives (it was not restored from a saved state)");
        }
        if (plugged != null) {
            throw new IllegalStateException(plugged.drive().path() + " is still attached");
        }
        DriveProbe.Resolved resolved = DriveProbe.resolve(new Drive(drive.path(), drive.format(), true), qemuBinary);
        Path qemuImg = DriveProbe.qemuImg(qemuBinary);
        if (qemuImg == null) {
            throw new ApplianceException("no qemu-img to make the read-only overlay of " + drive.path());
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jguest-plug"); // 0700
            HotPlug p = new HotPlug(0, resolved, !Files.isRegularFile(resolved.path()), dir.resolve("overlay.qcow2"));
            SavedLaunch.makeOverlay(p, qemuImg);
            try {
                qmp.execute("blockdev-add", p.blockdevAdd(), SavedLaunch.QMP_TIMEOUT);
            } catch (QmpException e) {
                throw SavedLaunch.badDrive(p, e);
            } finally {
                Files.deleteIfExists(p.overlay()); // qemu has it open
            }
            try {
                qmp.execute("device_add", p.deviceAdd(), SavedLaunch.QMP_TIMEOUT);
            } catch (QmpException e) {
                qmp.execute("blockdev-del", Map.of("node-name", p.nodeName()), SavedLaunch.QMP_TIMEOUT);
                throw SavedLaunch.badDrive(p, e);
            }
            plugged = p;
            rpc.call(new Calls.AwaitDrives(1));
        } catch (QmpException | IOException | TimeoutException e) {
            throw new ApplianceException("cannot attach " + drive.path() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while attaching " + drive.path(), e);
        } finally {
            if (dir != null) {
                QemuStart.deleteTree(dir);
            }
        }
    }

    /**
     * Removes the drive {@link #attach} added: the daemon releases it (unmounts, deactivates volume
     * groups), {@code device_del} and its {@code DEVICE_DELETED} event, {@code blockdev-del}, then the
     * daemon waits until the kernel has dropped the disk (so the next one is {@code /dev/sda} again).
     * Nothing when no drive is attached.
     *
     * @throws ApplianceException the appliance or qemu did not let the drive go
     */
    @Override
    public synchronized void detach() throws ApplianceException {
        HotPlug p = plugged;
        if (p == null) {
            return;
        }
        try {
            rpc.call(new Calls.ReleaseDisks());
            long mark = qmp.eventCount();
            qmp.execute("device_del", Map.of("id", p.deviceId()), SavedLaunch.QMP_TIMEOUT);
            qmp.awaitEvent("DEVICE_DELETED", "device", p.deviceId(), mark, SavedLaunch.QMP_TIMEOUT);
            qmp.execute("blockdev-del", Map.of("node-name", p.nodeName()), SavedLaunch.QMP_TIMEOUT);
            plugged = null;
            rpc.call(new Calls.AwaitDrives(0));
        } catch (QmpException | IOException | TimeoutException e) {
            throw new ApplianceException("cannot detach " + p.drive().path() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while detaching " + p.drive().path(), e);
        }
    }

    @Override
    public void injectNmi() throws ApplianceException {
        if (!canHotPlug()) {
            Guest.super.injectNmi();
        }
        try {
            qmp.execute("inject-nmi", Map.of(), SavedLaunch.QMP_TIMEOUT);
        } catch (QmpException | IOException | TimeoutException e) {
            throw new ApplianceException("cannot send an NMI to the appliance: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while sending an NMI to the appliance", e);
        }
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
        if (qmp != null) {
            qmp.close();
        }
        qemu.close();
        QemuStart.deleteTree(tempDir);
    }
}
