package io.jguest.cli.mount;

import io.jguest.cli.CliException;
import io.jguest.cli.ExitCodes;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The parent half of guestmount's default background mode. Java cannot fork, so the parent starts the
 * same command again as a child JVM with {@code --no-fork} and the hidden readiness option, in a new
 * session ({@code setsid}), with {@code /} as working directory (paths are made absolute first) and
 * stdin from {@code /dev/null}. The child's stdout and stderr come back on one pipe: every line is
 * copied to the parent's stderr (error messages, {@code -v} logs) until the child prints
 * {@link #READY}, after which the child detaches its stdio and the parent exits 0. If the child ends
 * without that line, the parent exits with the child's code (the child has cleaned up: nothing is
 * mounted, no appliance runs). SIGTERM/SIGINT/SIGHUP to the parent are passed on to the child while
 * it is getting ready.
 */
final class Background {
    /** The line a background child prints once the mount answers, its pid file and registration are written. */
    static final String READY = "\u0001jguest-guestmount-ready\u0001";
    /** How long a child that was asked to stop may take to clean up before it is killed. */
    private static final long STOP_GRACE_SECONDS = 60;

    private Background() {
    }

    /**
     * Starts {@code command} as a detached child and waits until it is ready or has failed.
     *
     * @param err     where the child's output lines go
     * @param onReady run once the child is ready ({@code --fd}); if it fails, the child is stopped (it
     *                unmounts) and the failure is reported
     * @return {@link ExitCodes#OK} once the child is ready
     * @throws CliException the child failed (its exit code and, when it said nothing, a line saying so)
     */
    static int run(List<String> command, PrintWriter err, MountSession.ReadySignal onReady) throws CliException {
        List<String> argv = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            argv.add("/usr/bin/setsid");
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new CliException("cannot start the background process: " + e.getMessage(), e);
        }
        // SIGTERM through the handle: Process.destroy() would also close the pipe the child's last words come on
        ProcessHandle handle = child.toHandle();
        try (Signals signals = Signals.onStop(handle::destroy)) {
            boolean ready = relayUntilReady(child, err);
            if (ready) {
                try {
                    onReady.ready();
                    return ExitCodes.OK;
                } catch (IOException e) {
                    handle.destroy();
                    waitForExit(child);
                    throw new CliException(e.getMessage() + " (the mount was undone)", e);
                }
            }
            int code = waitForExit(child);
            if (code == ExitCodes.OK) {
                throw new CliException("the background process exited before the mount was ready");
            }
            if (code > 128) {
                throw new CliException("the background process was killed by signal " + (code - 128)
                        + (signals.stopped() ? "" : " before the mount was ready"));
            }
            throw CliException.silent(code);
        } finally {
            err.flush();
        }
    }

    /** Copies the child's lines to {@code err} until {@link #READY} (true) or end of output (false). */
    private static boolean relayUntilReady(Process child, PrintWriter err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals(READY)) {
                    return true;
                }
                err.println(line);
                err.flush();
            }
        } catch (IOException e) {
            err.println("guestmount: lost the background process's output: " + e.getMessage());
        }
        return false;
    }

    private static int waitForExit(Process child) {
        try {
            if (!child.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                child.waitFor();
            }
            return child.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroyForcibly();
            return ExitCodes.ERROR;
        }
    }
}
