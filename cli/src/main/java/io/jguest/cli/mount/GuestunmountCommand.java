package io.jguest.cli.mount;

import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.ExitCodes;
import io.jguest.cli.VersionProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code guestunmount MOUNTPOINT}: libguestfs's, plus a wait. It unmounts with {@code fusermount -u}
 * (retrying with back-off while the mount is busy), then, unlike libguestfs's, waits until the
 * guestmount process that served the mount has exited, so its changes are written back, the appliance
 * is down and the images are safe to copy. The wait is bounded ({@code --wait-timeout}); the serving
 * process is found in the {@link MountRegistry}.
 */
@Command(name = "guestunmount", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Unmount a filesystem mounted by guestmount, and wait until guestmount has written"
                + " everything back and shut its appliance down, so the images are safe to use.", ""},
        footer = {"", "Exit status:",
            "  0  unmounted, and the guestmount process serving it has finished",
            "  1  program error (fusermount could not run...), or unmounted but guestmount still had not"
                + " finished after --wait-timeout (the images may not be safe to use yet)",
            "  2  still busy after the retries (fuser -v -m shows who uses it, unless -q)",
            "  3  not mounted (not a FUSE mount)"})
public final class GuestunmountCommand implements Callable<Integer> {
    /** libguestfs's bound on --retry. */
    static final int MAX_RETRIES = 63;
    static final int EXIT_BUSY = 2;
    static final int EXIT_NOT_MOUNTED = 3;

    /** Sleeps between fusermount attempts (a seam for tests). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Cli cli;
    private final Sleeper sleeper;

    @Option(names = "--fd", paramLabel = "FD", description = "Wait until the other end of the pipe FD is closed, then unmount.")
    Integer fd;

    @Option(names = {"-q", "--quiet"}, description = "Print no error message (the exit status still tells).")
    boolean quiet;

    @Option(names = "--retry", paramLabel = "N", defaultValue = "5",
            description = "Retry fusermount N times while the mount is busy (default ${DEFAULT-VALUE}), waiting 1, 2, 4... s.")
    int retries;

    @Option(names = "--no-retry", description = "Run fusermount only once.")
    boolean noRetry;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for guestmount to finish after the unmount (default ${DEFAULT-VALUE};"
                    + " 0: do not wait, as libguestfs's guestunmount).")
    long waitTimeout;

    @Option(names = {"-v", "--verbose"}, description = "Say what is done.")
    boolean verbose;

    @Parameters(index = "0", arity = "1", paramLabel = "MOUNTPOINT", description = "The host directory to unmount.")
    Path mountpoint;

    GuestunmountCommand(Cli cli) {
        this(cli, d -> Thread.sleep(d));
    }

    GuestunmountCommand(Cli cli, Sleeper sleeper) {
        this.cli = cli;
        this.sleeper = sleeper;
    }

    @Override
    public Integer call() throws Exception {
        int tries = noRetry ? 0 : retries;
        if (tries < 0 || tries > MAX_RETRIES) {
            throw new CliException("--retry=" + retries + ": must be between 0 and " + MAX_RETRIES);
        }
        if (waitTimeout < 0) {
            throw new CliException("--wait-timeout=" + waitTimeout + ": must be 0 or more seconds");
        }
        if (fd != null) {
            awaitPipeClosed(fd);
        }
        PrintWriter err = cli.terminal().err();
        Path mp = HostMountpoint.canonicalOrAbsolute(mountpoint);
        Optional<MountTable.Entry> entry = MountTable.read().at(mp);
        if (entry.isEmpty() || !entry.get().isFuse()) {
            throw failure(EXIT_NOT_MOUNTED, mountpoint + " is not mounted"
                    + entry.map(e -> " by FUSE (it is a " + e.type() + " mount)").orElse(""));
        }
        // before unmounting: the registration disappears when guestmount exits
        MountRegistry registry = MountRegistry.forCurrentUser();
        Optional<MountRegistry.Registration> served = registry.lookup(mp);
        HostCommands.Result result = null;
        for (int i = 0; i <= tries; i++) {
            if (i > 0) {
                sleeper.sleep(Duration.ofSeconds(1L << (i - 1)));
            }
            if (verbose) {
                err.println("guestunmount: running: fusermount -u " + mp);
            }
            result = HostCommands.fusermountUnmount(mp);
            if (result.ok()) {
                break;
            }
            if (verbose) {
                err.println(result.output());
            }
            if (result.notMounted()) {
                throw failure(EXIT_NOT_MOUNTED, mountpoint + " is not mounted: " + result.output());
            }
        }
        if (!result.ok()) {
            if (quiet) {
                throw CliException.silent(EXIT_BUSY);
            }
            String fuser = HostCommands.fuser(mp);
            throw new CliException("failed to unmount " + mountpoint + ": " + result.output(), EXIT_BUSY,
                    fuser.isBlank() ? List.of() : fuser.lines().toList(), null);
        }
        if (verbose) {
            err.println("guestunmount: fusermount successful");
        }
        if (served.isPresent() && waitTimeout > 0) {
            awaitFinished(served.get(), err);
        }
        return ExitCodes.OK;
    }

    private CliException failure(int code, String message) {
        return quiet ? CliException.silent(code) : new CliException(message, code, List.of(), null);
    }

    /** {@code --fd}: blocks until every writer of the pipe has closed it (SIGINT ignored meanwhile). */
    private static void awaitPipeClosed(int pipe) throws CliException {
        Signals keyboard = Signals.ignoringInterrupt();
        try {
            Posix.drainToEof(pipe);
        } catch (IOException e) {
            throw new CliException("--fd=" + pipe + ": " + e.getMessage(), e);
        } finally {
            keyboard.close();
        }
    }

    /** Waits until the guestmount process and its helpers have exited, at most {@code --wait-timeout}. */
    private void awaitFinished(MountRegistry.Registration r, PrintWriter err) throws CliException, InterruptedException {
        if (verbose) {
            err.println("guestunmount: waiting for guestmount (pid " + r.server().pid() + ") to finish");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(waitTimeout).toNanos();
        for (ProcessIdentity p : r.processes()) {
            while (p.isAlive()) {
                if (System.nanoTime() > deadline) {
                    throw new CliException(mountpoint + ": unmounted, but guestmount (pid " + r.server().pid()
                            + ") has not finished after " + waitTimeout + " s: the images may not be safe to use yet");
                }
                sleeper.sleep(Duration.ofMillis(20));
            }
        }
        if (verbose) {
            err.println("guestunmount: guestmount has finished: the images are safe to use");
        }
    }
}
