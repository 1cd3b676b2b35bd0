package io.jguest.cli.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host tools guestunmount runs: {@code fusermount -u} (with {@code LC_ALL=C}, since its messages
 * are parsed) and {@code fuser -v -m} (to show who keeps a mount busy).
 */
final class HostCommands {
    /** fusermount's words for "this is not mounted" (libfuse 2 and 3). */
    private static final List<String> NOT_MOUNTED = List.of("fusermount: entry for", "not found in /etc/mtab",
            "not mounted", "Invalid argument");

    private HostCommands() {
    }

    /**
     * The outcome of a tool run.
     *
     * @param exitCode its exit status
     * @param output   stdout and stderr together, trailing newlines removed
     */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** fusermount said the path is not mounted. */
        boolean notMounted() {
            return !ok() && NOT_MOUNTED.stream().anyMatch(output::contains);
        }
    }

    /** {@code fusermount -u MOUNTPOINT}. */
    static Result fusermountUnmount(Path mountpoint) throws IOException {
        return run(List.of("fusermount", "-u", mountpoint.toString()));
    }

    /**
     * {@code fuser -v -m MOUNTPOINT}: who uses the mount, for information only (never fails). Its
     * complaints about processes it may not inspect ("Cannot stat file /proc/1/fd/0") are left out.
     */
    static String fuser(Path mountpoint) {
        try {
            return run(List.of("fuser", "-v", "-m", mountpoint.toString())).output().lines()
                    .filter(l -> !l.startsWith("Cannot stat ")).collect(java.util.stream.Collectors.joining("\n"));
        } catch (IOException e) {
            return "(fuser: " + e.getMessage() + ")";
        }
    }

    static Result run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
    }
}
