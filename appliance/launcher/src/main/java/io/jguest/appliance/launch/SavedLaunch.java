package io.jguest.appliance.launch;

import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.LaunchReport;
import io.jguest.appliance.build.Appliance;
import io.jguest.appliance.build.ToolRun;
import io.jguest.appliance.qmp.Qmp;
import io.jguest.appliance.qmp.QmpException;
import io.jguest.appliance.rpc.RemoteGuest;
import io.jguest.appliance.saved.SaveFailed;
import io.jguest.appliance.saved.SavedStates;
import io.jguest.appliance.saved.Warmup;
import io.jguest.protocol.Calls;
import io.jguest.protocol.Hello;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting the appliance from its saved state (see {@code io.jguest.appliance.saved}).
 *
 * <p><b>Making a state</b> (once per key, under the store's lock): a cold boot of the appliance with
 * no user drives but the same devices (virtio-scsi controller, virtio-serial port) and a QMP socket;
 * once the daemon says hello, the {@link Warmup}, then {@link Calls.PrepareSave} (the daemon waits for
 * its modules, answers, and waits for a resume), then QMP {@code stop}, {@code migrate} to
 * {@code exec:cat > FILE.tmp} (qemu 7.2 has no {@code file:} URI), {@code query-migrate} until
 * completed, rename, {@code quit}.
 *
 * <p><b>Restoring it</b>: qemu with the identical command line plus {@code -S -incoming "exec:cat FILE"}
 * and QMP; the overlays of read-only drives are made while it loads; once it is paused
 * ({@code query-status}), each drive is hot-plugged in order ({@link HotPlug}: {@code blockdev-add},
 * {@code device_add scsi-hd} target N), {@code cont}, then the {@link Calls.Resume} (the host's time,
 * 64 fresh random bytes, the drive count) and the daemon's new hello.
 *
 * <p><b>Failures</b>: an appliance that does not boot while a state is made fails the launch like a cold
 * boot when KVM is on trial (so that the KVM to TCG fallback happens), else it is recorded and the
 * launch boots cold; a state that cannot be made is recorded (no new attempt for an hour) and the
 * launch boots cold; a restore that fails (qemu rejects the state, no hello in time, a device cannot be
 * added) deletes the state and boots cold, except that under KVM on trial a restore with no hello in
 * time is KVM's failure. A drive qemu cannot open is the user's error either way. These fallbacks
 * are logged at INFO (seen with {@code -v}).
 */
final class SavedLaunch {
    private static final Logger log = LoggerFactory.getLogger(SavedLaunch.class);
    /** The one extra kernel argument a restored appliance honours (through the resume, not the kernel). */
    static final String VERBOSE_ARG = "jguest.verbose=1";
    /** How long one QMP command may take. */
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(15);
    /** The longest a restore may take before it is judged failed (TCG; KVM uses its own bound). */
    private static final Duration RESTORE_BOUND = Duration.ofSeconds(30);
    private static final Duration PREPARE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(120);
    static final Duration OVERLAY_TIMEOUT = Duration.ofSeconds(30);
    /** Bytes per second: without it qemu 7.2 migrates at 32 MiB/s. */
    private static final long MAX_BANDWIDTH = 1L << 40;
    private static final int ENTROPY_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A restore that did not work: the appliance boots cold, and when the state is to blame (qemu
     * rejected it, the restored guest did not answer) the state is deleted.
     */
    static final class RestoreFailed extends Exception {
        private final boolean stateSuspect;

        RestoreFailed(String message, boolean stateSuspect, Throwable cause) {
            super(message, cause);
            this.stateSuspect = stateSuspect;
        }

        boolean stateSuspect() {
            return stateSuspect;
        }
    }

    private final ApplianceConfig cfg;
    private final QemuBinary qemu;
    private final List<DriveProbe.Resolved> drives;
    private final Appliance appliance;
    private final SavedStates states;
    private final Path qemuImg;
    private final boolean verbose;

    private SavedLaunch(ApplianceConfig cfg, QemuBinary qemu, List<DriveProbe.Resolved> drives, Appliance appliance,
                        Path qemuImg) {
        this.cfg = cfg;
        this.qemu = qemu;
        this.drives = List.copyOf(drives);
        this.appliance = appliance;
        this.states = new SavedStates(appliance.dir(), cfg.cacheDir().resolve("saved.lock"));
        this.qemuImg = qemuImg;
        this.verbose = cfg.extraKernelArgs().contains(VERBOSE_ARG);
    }

    /**
     * The saved path for this launch, or null when it does not apply: turned off, kernel arguments a
     * restored kernel cannot take, or read-only drives and no {@code qemu-img} to make their overlays.
     */
    static SavedLaunch forConfig(ApplianceConfig cfg, QemuBinary qemu, List<DriveProbe.Resolved> drives,
                                 Appliance appliance) {
        if (!cfg.savedState()) {
            return null;
        }
        List<String> other = cfg.extraKernelArgs().stream().filter(a -> !a.equals(VERBOSE_ARG)).toList();
        if (!other.isEmpty()) {
            log.debug("kernel arguments {}: booting cold (a saved appliance cannot take them)", other);
            return null;
        }
        Path qemuImg = DriveProbe.qemuImg(qemu);
        if (qemuImg == null && drives.stream().anyMatch(DriveProbe.Resolved::readOnly)) {
            log.debug("no qemu-img for the overlays of read-only drives: booting cold");
            return null;
        }
        return new SavedLaunch(cfg, qemu, drives, appliance, qemuImg);
    }

    /**
     * qemu's command line of the saved machine: the appliance without user drives, the channel on
     * {@code channel}, QMP on {@code qmp}, and when restoring, {@code -S -incoming} from {@code state}.
     */
    List<String> argv(Accel accel, Path channel, Path qmp, Path state) {
        return argv(qemu, accel, cfg.memoryMiB(), cfg.cpus(), appliance, channel, qmp, state);
    }

    static List<String> argv(QemuBinary qemuBin, Accel accel, int memoryMiB, int cpus, Appliance appliance, Path channel,
                             Path qmp, Path state) {
        List<String> a = new ArrayList<>(new QemuCommandLine(qemuBin, accel, memoryMiB, cpus, appliance, List.of(),
                channel, List.of(), null).argv());
        a.addAll(List.of("-chardev", "socket,id=qmp0,path=" + QemuCommandLine.escape(qmp.toString()),
                "-mon", "chardev=qmp0,mode=control"));
        if (state != null) {
            a.addAll(List.of("-S", "-incoming", "exec:cat " + shellQuote(state.toString())));
        }
        return List.copyOf(a);
    }

    /** The saved state's key under {@code accel} (see {@link SavedStates#key}). */
    String key(Accel accel) {
        List<String> argv = argv(accel, Path.of("/channel.sock"), Path.of("/qmp.sock"), null);
        return SavedStates.key(argv, qemuIdentity(), accel == Accel.KVM ? AccelVerdicts.hostIdentity(qemu.version()) : "");
    }

    private String qemuIdentity() {
        StringBuilder id = new StringBuilder(qemu.version());
        try {
            BasicFileAttributes a = Files.readAttributes(qemu.path(), BasicFileAttributes.class);
            id.append('|').append(qemu.path().toRealPath()).append('|').append(a.size()).append('|')
                    .append(a.lastModifiedTime().toInstant());
        } catch (IOException e) {
            id.append("|unreadable");
        }
        return id.toString();
    }

    /** {@code s} for /bin/sh, in single quotes. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The appliance restored from its saved state (made first if needed), or null when the launch
     * should boot cold instead (why is logged).
     *
     * @throws ApplianceException.LaunchFailed KVM on trial did not get the appliance ready
     * @throws ApplianceException.BadDrive     qemu cannot open a drive
     */
    QemuGuest launch(Accel accel, Duration timeout, boolean judging, Duration build, boolean fallback)
            throws ApplianceException {
        Path state;
        try {
            state = states.getOrCreate(key(accel), cfg.progress(), tmp -> save(accel, timeout, judging, tmp));
        } catch (SaveFailed e) {
            log.info("no saved appliance ({}): booting cold", e.getMessage());
            return null;
        }
        try {
            return restore(accel, state, timeout, judging, build, fallback);
        } catch (RestoreFailed e) {
            if (e.stateSuspect()) {
                log.info("the saved appliance {} did not restore ({}): deleting it, booting cold", state.getFileName(),
                        e.getMessage());
                states.discard(state);
            } else {
                log.info("the saved appliance {} did not restore ({}): booting cold", state.getFileName(), e.getMessage());
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- making a state

    private void save(Accel accel, Duration timeout, boolean judging, Path file)
            throws ApplianceException, SaveFailed {
        cfg.progress().accept("saving a booted appliance for fast starts (once per appliance, qemu and machine options)...");
        long t0 = System.nanoTime();
        QemuStart s = null;
        try {
            try {
                s = QemuStart.start((channel, qmp) -> argv(accel, channel, qmp, null), true, cfg.console());
                long deadline = s.qemu.startNanos() + timeout.toNanos();
                s.connect(deadline);
                s.rpc().awaitHello(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (TimeoutException e) {
                throw bootFailure(judging, QemuGuest.notReady(timeout, accel, s, e));
            } catch (IOException e) {
                if (interrupted(e)) {
                    throw e; // below
                }
                throw bootFailure(judging, QemuGuest.launchFailure(s == null ? null : s.qemu, List.of(), e));
            }
            long booted = System.nanoTime();
            int calls = Warmup.run(new RemoteGuest(s.rpc()));
            long warmed = System.nanoTime();
            s.rpc().call(new Calls.PrepareSave(), PREPARE_TIMEOUT);
            Qmp qmp = s.qmp();
            qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", MAX_BANDWIDTH), QMP_TIMEOUT);
            qmp.execute("stop", Map.of(), QMP_TIMEOUT);
            qmp.execute("migrate", Map.of("uri", "exec:cat > " + shellQuote(file.toString())), QMP_TIMEOUT);
            awaitMigration(qmp);
            try {
                qmp.execute("quit", Map.of(), QMP_TIMEOUT);
            } catch (IOException e) {
                // qemu may close the connection before answering
            }
            s.qemu.waitFor(Duration.ofSeconds(10));
            log.debug("saved appliance: boot {} ms, warm-up {} ms ({} calls), save {} ms, {} bytes",
                    (booted - t0) / 1_000_000, (warmed - booted) / 1_000_000, calls,
                    (System.nanoTime() - warmed) / 1_000_000, Files.size(file));
            cfg.progress().accept(String.format("appliance saved in %.1f s (%d MiB)", (System.nanoTime() - t0) / 1e9,
                    Files.size(file) >> 20));
        } catch (QmpException | IOException | TimeoutException e) {
            if (interrupted(e)) {
                throw new ApplianceException.LaunchFailed("interrupted while saving the appliance", null, e);
            }
            String tail = s == null ? "" : s.qemu.stderr().strip();
            throw new SaveFailed(e.getMessage() + (tail.isEmpty() ? "" : " (qemu: " + tail.lines().findFirst().orElse("") + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException.LaunchFailed("interrupted while saving the appliance", null, e);
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }

    /**
     * Whether {@code e} comes from this thread being interrupted (a stop request: an interrupted socket
     * write closes the socket), not from qemu or the state. Keeps the thread's interrupt status.
     */
    private static boolean interrupted(Exception e) {
        if (e instanceof java.io.InterruptedIOException || e instanceof java.nio.channels.ClosedByInterruptException
                || Thread.currentThread().isInterrupted()) {
            Thread.currentThread().interrupt();
            return true;
        }
        return false;
    }

    /** Under KVM on trial, the boot's failure is KVM's (the caller falls back to TCG); else it is recorded. */
    private static SaveFailed bootFailure(boolean judging, ApplianceException e) throws ApplianceException {
        if (judging || e instanceof ApplianceException.BadDrive) {
            throw e;
        }
        return new SaveFailed("the appliance did not boot: " + e.getMessage(), e);
    }

    private static void awaitMigration(Qmp qmp) throws QmpException, IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + SAVE_TIMEOUT.toNanos();
        while (true) {
            Map<String, Object> info = qmp.query("query-migrate", QMP_TIMEOUT);
            String status = String.valueOf(info.get("status"));
            switch (status) {
                case "completed" -> {
                    return;
                }
                case "failed", "cancelled" -> throw new IOException("saving the VM state " + status
                        + (info.get("error-desc") != null ? ": " + info.get("error-desc") : ""));
                default -> {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("saving the VM state took more than " + SAVE_TIMEOUT.toSeconds() + " s");
                    }
                    Thread.sleep(10);
                }
            }
        }
    }

    // ---------------------------------------------------------------- restoring it

    private QemuGuest restore(Accel accel, Path state, Duration timeout, boolean judging, Duration build,
                              boolean fallback) throws ApplianceException, RestoreFailed {
        Duration bound = judging ? timeout : (timeout.compareTo(RESTORE_BOUND) < 0 ? timeout : RESTORE_BOUND);
        QemuStart s = null;
        List<CompletableFuture<Void>> overlays = List.of();
        try {
            s = QemuStart.start((channel, qmp) -> argv(accel, channel, qmp, state), true, cfg.console());
            long t0 = s.qemu.startNanos();
            long deadline = t0 + bound.toNanos();
            List<HotPlug> plugs = plan(s.tempDir);
            overlays = makeOverlays(plugs); // while qemu loads the state
            s.connect(deadline);
            Qmp qmp = s.qmp();
            awaitLoaded(qmp, deadline);
            Duration load = Duration.ofNanos(System.nanoTime() - t0);
            awaitOverlays(overlays);
            for (HotPlug p : plugs) {
                try {
                    qmp.execute("blockdev-add", p.blockdevAdd(), QMP_TIMEOUT);
                } catch (QmpException e) {
                    throw badDrive(p, e);
                } finally {
                    if (p.overlay() != null) {
                        Files.deleteIfExists(p.overlay()); // qemu has it open: nothing to leave behind
                    }
                }
            }
            for (HotPlug p : plugs) {
                try {
                    qmp.execute("device_add", p.deviceAdd(), QMP_TIMEOUT);
                } catch (QmpException e) {
                    // qemu locks an image when a device takes it: another writer shows here
                    if (isLockConflict(e)) {
                        throw badDrive(p, e);
                    }
                    throw e;
                }
            }
            long plugged = System.nanoTime();
            qmp.execute("cont", Map.of(), QMP_TIMEOUT);
            byte[] entropy = new byte[ENTROPY_BYTES];
            RANDOM.nextBytes(entropy);
            Instant now = Instant.now();
            s.rpc().post(new Calls.Resume(now.getEpochSecond() * 1_000_000_000L + now.getNano(), entropy, plugs.size(),
                    verbose));
            long resumed = System.nanoTime();
            Hello hello;
            try {
                hello = s.rpc().awaitHello(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (TimeoutException e) {
                if (judging) {
                    throw QemuGuest.notReady(bound, accel, s, e);
                }
                throw new RestoreFailed("no hello within " + bound.toSeconds() + " s", true, e);
            }
            Duration toHello = Duration.ofNanos(System.nanoTime() - t0);
            LaunchReport report = new LaunchReport(accel, fallback, build, toHello, Duration.ZERO, Duration.ZERO,
                    hello.kernelRelease(), qemu.version(), true, load, Duration.ofNanos(plugged - t0),
                    Duration.ofNanos(resumed - t0));
            log.debug("appliance restored in {} ms under {}: state loaded at {} ms, {} drives added at {} ms",
                    toHello.toMillis(), accel, load.toMillis(), plugs.size(), (plugged - t0) / 1_000_000);
            if (log.isTraceEnabled()) {
                s.qemu.capture().lines().forEach(l -> log.trace("console at {} ms: {}", l.nanos() / 1_000_000, l.text()));
            }
            QemuStart.deleteTree(s.tempDir);
            QemuGuest g = new QemuGuest(s.rpc(), s.qemu, s.tempDir, hello, report, qmp, qemu);
            s.handOver();
            return g;
        } catch (QmpException e) {
            throw new RestoreFailed(e.getMessage(), true, e);
        } catch (IOException e) {
            if (interrupted(e)) {
                throw new ApplianceException.LaunchFailed("interrupted while restoring the appliance", null, e);
            }
            boolean exited = s != null && s.qemu.waitFor(Duration.ofSeconds(2));
            // a qemu ended by a signal (the watchdog's, someone's kill) says nothing about the state
            boolean killed = exited && s.qemu.exitCode() >= 128;
            throw new RestoreFailed(killed ? "qemu was killed (status " + s.qemu.exitCode() + ")" : qemuComplaint(s, e),
                    !killed, e);
        } catch (TimeoutException e) {
            if (judging) {
                throw QemuGuest.notReady(bound, accel, s, e);
            }
            throw new RestoreFailed(e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException.LaunchFailed("interrupted while restoring the appliance", null, e);
        } finally {
            // a qemu-img still running could create its overlay after the directory is removed
            for (CompletableFuture<Void> f : overlays) {
                try {
                    f.get(OVERLAY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
                    // its failure was reported, or this launch failed for another reason
                }
            }
            if (s != null) {
                s.close(); // nothing, once handed over
            }
        }
    }

    /** The drives to hot-plug, with their overlay files (in the private directory) when read-only. */
    private List<HotPlug> plan(Path tempDir) {
        List<HotPlug> plugs = new ArrayList<>();
        for (int i = 0; i < drives.size(); i++) {
            DriveProbe.Resolved d = drives.get(i);
            plugs.add(new HotPlug(i, d, !Files.isRegularFile(d.path()),
                    d.readOnly() ? tempDir.resolve("overlay" + i + ".qcow2") : null));
        }
        return plugs;
    }

    private List<CompletableFuture<Void>> makeOverlays(List<HotPlug> plugs) {
        List<CompletableFuture<Void>> out = new ArrayList<>();
        for (HotPlug p : plugs) {
            if (p.overlay() == null) {
                continue;
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            Thread.ofVirtual().name("jguest-overlay").start(() -> {
                try {
                    makeOverlay(p, qemuImg);
                    f.complete(null);
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
            out.add(f);
        }
        return out;
    }

    /**
     * Makes the overlay of read-only drive {@code p} with {@code qemuImg}.
     *
     * @throws ApplianceException.BadDrive qemu-img refused (its last line says why)
     */
    static void makeOverlay(HotPlug p, Path qemuImg)
            throws ApplianceException, IOException, TimeoutException, InterruptedException {
        ToolRun r = ToolRun.run(p.overlayCommand(qemuImg), OVERLAY_TIMEOUT);
        if (r.exitCode() != 0) {
            String why = r.output().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("failed")
                    .strip().replaceFirst("^qemu-img: ", "");
            throw new ApplianceException.BadDrive(p.drive().path() + ": cannot make its read-only overlay: " + why);
        }
    }

    private static void awaitOverlays(List<CompletableFuture<Void>> overlays)
            throws ApplianceException, IOException, InterruptedException, TimeoutException {
        for (CompletableFuture<Void> f : overlays) {
            try {
                f.get(OVERLAY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                switch (e.getCause()) {
                    case ApplianceException a -> throw a;
                    case IOException io -> throw io;
                    case TimeoutException t -> throw t;
                    default -> throw new IOException("making an overlay failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    /** Polls {@code query-status} until the state is loaded (qemu is then paused, {@code -S}). */
    private static void awaitLoaded(Qmp qmp, long deadline)
            throws QmpException, IOException, TimeoutException, InterruptedException {
        while (true) {
            String status = String.valueOf(qmp.query("query-status", QMP_TIMEOUT).get("status"));
            switch (status) {
                case "inmigrate" -> {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException("the saved state did not load in time");
                    }
                    Thread.sleep(2);
                }
                case "paused", "prelaunch" -> {
                    return;
                }
                default -> throw new IOException("qemu is in state '" + status + "' after loading the saved state");
            }
        }
    }

    static boolean isLockConflict(QmpException e) {
        return e.description().contains("lock");
    }

    static ApplianceException badDrive(HotPlug p, QmpException e) {
        String path = p.drive().path().toString();
        if (isLockConflict(e)) {
            return new ApplianceException.BadDrive(path + ": is in use by another process (qemu could not lock it)");
        }
        return new ApplianceException.BadDrive(path + ": qemu cannot open it: " + e.description());
    }

    /** qemu's first error line when it has exited (a state it could not load), else the exception's message. */
    private static String qemuComplaint(QemuStart s, IOException e) {
        if (s != null && s.qemu.waitFor(Duration.ofSeconds(2))) {
            return s.qemu.stderr().lines().filter(l -> !l.isBlank()).findFirst().map(String::strip)
                    .orElse("qemu exited");
        }
        return String.valueOf(e.getMessage());
    }
}
