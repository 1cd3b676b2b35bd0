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
import java.util.concurrent.TimeUnit;

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
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        if (environment != null) {
            pb.environment().clear();
            pb.environment().putAll(environment);
        }
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        byte[] output;
        try (InputStream in = p.getInputStream()) {
            output = in.readAllBytes();
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.getFirst() + " timed out after " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + p.exitValue() + ": " + tail(text));
        }
        return text;
    }

    /** Runs {@code command} with its standard output going to {@code sink} (e.g. {@code xz -dc FILE}). */
    static void runTo(List<String> command, OutputStream sink, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(sink);
        }
        String err;
        try (InputStream e = p.getErrorStream()) {
            err = new String(e.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.getFirst() + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with status " + p.exitValue() + ": " + tail(err));
        }
    }

    private static String tail(String text) {
        String t = text.strip().replace('\n', ' ');
        return t.length() > 400 ? "..." + t.substring(t.length() - 400) : t;
    }
}
