package io.jguest.cli.mount;

import io.jguest.api.Filesystem;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.InspectionReport;
import io.jguest.appliance.Guest;
import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.ErrorHandler;
import io.jguest.cli.ExitCodes;
import io.jguest.cli.MountSpec;
import io.jguest.mountlocal.CaseInsensitiveFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guestmount serving its mount, in the process that stays (the foreground one, or the background
 * child): launch the appliance, with {@code -i} inspect it and mount the operating system's filesystems
 * ({@link InspectorLayout}), mount every {@code -m} in order, mount FUSE (over
 * {@link CaseInsensitiveFileSystem} for a Windows guest's drive letters), and once the mountpoint
 * answers write the pid file, register the mount and signal readiness; then wait until someone
 * unmounts it or {@link #requestStop()} (a signal) asks to stop. Whatever happened, it ends in the
 * same order: unmount if still mounted, flush the open files, sync (unless {@code -n}), shut the
 * appliance down, remove the pid file and the registration.
 *
 * <p>A stop before the mount is ready fails the run (exit 1, nothing left mounted or running); after
 * it, a stop is the normal end (exit 0).
 */
final class MountSession {
    private static final Logger log = LoggerFactory.getLogger(MountSession.class);
    /** blkid types that are never mounted, left out of the hints after a failed {@code -m}. */
    private static final Set<String> NOT_MOUNTABLE = Set.of("swap", "LVM2_member", "unknown", "crypto_LUKS");

    /** Says "the mount is ready" to whoever waits: the {@code --fd} pipe, or the parent of a background child. */
    @FunctionalInterface
    interface ReadySignal {
        void ready() throws IOException;
    }

    private final Cli cli;
    private final MountPlan plan;
    private final Mounter mounter;
    private final ReadySignal readySignal;
    private final MountRegistry registry;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile Thread worker;
    private volatile Mounter.Served served;

    MountSession(Cli cli, MountPlan plan, Mounter mounter, ReadySignal readySignal, MountRegistry registry) {
        this.cli = cli;
        this.plan = plan;
        this.mounter = mounter;
        this.readySignal = readySignal;
        this.registry = registry;
    }

    /**
     * Serves the mount until it ends.
     *
     * @return {@link ExitCodes#OK} when the mount ended normally and everything was synced and shut down
     * @throws Exception the first failure, after cleaning up (nothing mounted, no appliance left)
     */
    int run() throws Exception {
        worker = Thread.currentThread();
        Guest guest = null;
        MountRegistry.Registration registration = null;
        boolean pidWritten = false;
        boolean ready = false;
        List<String> problems = new ArrayList<>();
        try {
            checkStop();
            guest = cli.launch(cli.configFor(plan.drives()).build());
            checkStop();
            InspectorLayout layout = plan.inspector() ? inspect(guest) : null;
            checkStop();
            mountAll(guest);
            checkStop();
            GuestFileSystem fs = layout != null && layout.driveLetters() ? new CaseInsensitiveFileSystem(guest) : guest;
            served = mounter.mount(fs, plan.mountpoint(), plan.mountConfig());
            checkStop();
            if (plan.pidFile() != null) {
                writePidFile(plan.pidFile());
                pidWritten = true;
            }
            registration = register();
            readySignal.ready();
            ready = true;
            log.debug("{} is ready", plan.mountpoint());
            awaitEnd(served);
        } catch (Exception e) {
            Thread.interrupted(); // a stop's interrupt must not break the cleanup below
            throw stop.get() && !ready ? stopped(e) : e;
        } finally {
            Thread.interrupted();
            shutdown(guest, ready, problems);
            if (pidWritten) {
                deleteQuietly(plan.pidFile());
            }
            if (registration != null) {
                registry.remove(registration);
            }
        }
        if (!problems.isEmpty()) {
            throw new CliException(problems.getFirst(), ExitCodes.ERROR, problems.subList(1, problems.size()), null);
        }
        return ExitCodes.OK;
    }

    /** Asks {@link #run()} to stop (from a signal handler): before readiness it fails, after it unmounts. */
    void requestStop() {
        if (!stop.compareAndSet(false, true)) {
            return;
        }
        log.debug("stop requested");
        Thread w = worker;
        if (w != null) {
            w.interrupt();
        }
    }

    private void checkStop() throws CliException {
        if (stop.get()) {
            throw stopped(null);
        }
    }

    private static CliException stopped(Exception cause) {
        return new CliException("stopped by a signal before the mount was ready (nothing is mounted)", cause);
    }

    /** {@code -i}: inspects, chooses the operating system and mounts its filesystems; warnings go to stderr. */
    private InspectorLayout inspect(Guest guest) throws CliException, GuestFsException {
        InspectionReport report;
        try {
            report = guest.inspectOs(false);
        } catch (GuestFsException e) {
            if (stop.get()) {
                throw e;
            }
            throw new CliException("-i: cannot inspect the disks: " + ErrorHandler.message(e), e);
        }
        report.warnings().forEach(w -> log.debug("inspection: {}", w));
        InspectorLayout layout = InspectorLayout.of(report, plan.root(), plan.readOnly());
        log.debug("-i: {} ({}): {}", layout.os().root(), layout.os().type(), layout.mounts());
        layout.apply(guest, guest, this::warn);
        return layout;
    }

    private void warn(String message) {
        cli.terminal().err().println("guestmount: warning: " + message);
        cli.terminal().err().flush();
    }

    /** Mounts every {@code -m} in command-line order; a failure lists the filesystems found as hints. */
    private void mountAll(Guest guest) throws CliException, GuestFsException {
        if (plan.mounts().stream().anyMatch(m -> mayBeLogicalVolume(m.spec().device()))) {
            activateLvm(guest);
        }
        for (MountPlan.GuestMountRequest m : plan.mounts()) {
            MountSpec s = plan.readOnly() ? m.spec().readOnly() : m.spec();
            try {
                guest.mount(s.device(), s.mountpoint(), s.options(), s.fstype());
            } catch (GuestFsException e) {
                if (stop.get()) {
                    throw e;
                }
                throw new CliException("-m " + m.given() + ": " + withoutPrefix(ErrorHandler.message(e), s.device()),
                        ExitCodes.ERROR, hints(guest), e);
            }
        }
    }

    /** {@code /dev/VG/LV} or {@code /dev/mapper/NAME}: needs the volume groups activated first. */
    static boolean mayBeLogicalVolume(String device) {
        return device.startsWith("/dev/") && device.substring(5).contains("/") && !device.startsWith("/dev/disk/");
    }

    private void activateLvm(Guest guest) {
        try {
            guest.lvmActivateAll();
        } catch (GuestFsException e) {
            log.debug("LVM activation: {}", e.getMessage());
        }
    }

    private List<String> hints(Guest guest) {
        try {
            activateLvm(guest);
            List<Filesystem> found = guest.listFilesystems().stream()
                    .filter(f -> !NOT_MOUNTABLE.contains(f.type())).toList();
            if (found.isEmpty()) {
                return List.of("no mountable filesystem was found on the images");
            }
            List<String> lines = new ArrayList<>(List.of("filesystems found on the images:"));
            for (Filesystem f : found) {
                lines.add("    " + f.device() + " (" + f.type() + (f.label().isEmpty() ? "" : ", label '" + f.label() + "'") + ")");
            }
            return lines;
        } catch (GuestFsException e) {
            log.debug("listing filesystems for hints: {}", e.getMessage());
            return List.of();
        }
    }

    /** {@code message} without a leading {@code "device: "}. */
    static String withoutPrefix(String message, String device) {
        return message.startsWith(device + ": ") ? message.substring(device.length() + 2) : message;
    }

    private static void writePidFile(Path file) throws CliException {
        try {
            Files.writeString(file, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw new CliException("--pid-file " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Registers this process (and its qemu) as serving the mountpoint; a failure only costs guestunmount's wait. */
    private MountRegistry.Registration register() {
        List<ProcessIdentity> helpers = ProcessHandle.current().descendants()
                .map(p -> ProcessIdentity.of(p.pid())).flatMap(Optional::stream).toList();
        MountRegistry.Registration r = new MountRegistry.Registration(plan.mountpoint(), ProcessIdentity.current(), helpers);
        try {
            registry.register(r);
            return r;
        } catch (IOException | RuntimeException e) {
            cli.terminal().err().println("guestmount: warning: cannot register the mount in " + registry.dir() + ": "
                    + e.getMessage() + " (guestunmount will not wait for this process to finish)");
            return null;
        }
    }

    private static void awaitEnd(Mounter.Served s) {
        try {
            s.mount().awaitUnmounted();
        } catch (InterruptedException e) {
            // a stop: unmounted below
            Thread.interrupted();
        }
    }

    /** Unmount, flush, sync, shut down; what fails is added to {@code problems}, the rest still runs. */
    private void shutdown(Guest guest, boolean wasReady, List<String> problems) {
        Mounter.Served s = served;
        if (s != null) {
            try {
                s.mount().close();
            } catch (RuntimeException e) {
                problems.add(plan.mountpoint() + ": cannot unmount: " + ErrorHandler.message(e));
            }
            try {
                s.operations().close();
            } catch (Exception e) {
                problems.add("cannot write back the last changes: " + ErrorHandler.message(e));
            }
        }
        if (guest == null) {
            return;
        }
        if (wasReady && !guest.isAlive()) {
            problems.add("the appliance stopped unexpectedly: changes not yet written to the images may be lost");
        } else if (wasReady && plan.sync()) {
            try {
                guest.sync();
            } catch (GuestFsException e) {
                problems.add("cannot sync the guest filesystems: " + ErrorHandler.message(e));
            }
        }
        guest.close();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("{}: {}", file, e.toString());
        }
    }
}
