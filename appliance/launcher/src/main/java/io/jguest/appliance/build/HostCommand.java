package io.jguest.appliance.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs host tools for the build (jlink, mkfs.ext4, xz...) and finds them. */
final class HostCommand {
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin",
            "/usr/local/sbin", "/usr/local/bin");

    private HostCommand() {
    }

    /** The first executable {@code name} in the system directories, then in {@code $PATH}. */
    static Optional<Path> find(String name) {
        for (String d : SYSTEM_DIRS) {
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (d.isEmpty()) {
                    continue;
                }
                Path p = Path.of(d, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Runs {@code command}, returning its combined output; fails with the output's tail if it exits
     * non-zero or outlives {@code timeout}.
     */
    static String run(List<String> command, Duration timeout) throws IOException {
        return run(command, timeout, null);
    }

    /** As {@link #run(List, Duration)} with exactly {@code environment} (null: this process's, with LC_ALL=C). */
    static String run(List<String> command, Duration timeout, Map<String, String> environment) throws IOException {
        ToolRun r;
        try {
            r = ToolRun.run(command, timeout, environment);
        } catch (TimeoutException e) {
            throw new IOException(command.getFirst() + " timed out after " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + r.exitCode() + ": " + tail(r.output()));
        }
        return r.output();
    }

    /**
     * Runs {@code command} with its standard output going to {@code sink} (e.g. {@code xz -dc FILE}). Its
     * stderr is read beside, so a chatty tool cannot stall on a full pipe, and it is killed at the deadline.
     */
    static void runTo(List<String> command, OutputStream sink, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream e = p.getErrorStream()) {
                err.complete(new String(e.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.complete("");
            }
        });
        // a hung tool holds its stdout open: kill it at the deadline so transferTo returns
        CompletableFuture<Void> deadline = CompletableFuture.runAsync(p::destroyForcibly,
                CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
        try (InputStream in = p.getInputStream()) {
            in.transferTo(sink);
            p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        } finally {
            deadline.cancel(false);
        }
        if (deadline.isDone() && !deadline.isCancelled()) {
            throw new IOException(command.getFirst() + " timed out after " + timeout.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + p.exitValue() + ": "
                    + tail(err.getNow("")));
        }
    }

    private static String tail(String text) {
        String t = text.strip().replace('\n', ' ');
        return t.length() > 400 ? "..." + t.substring(t.length() - 400) : t;
    }
}
