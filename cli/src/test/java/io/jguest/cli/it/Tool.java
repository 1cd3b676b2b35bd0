package io.jguest.cli.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a host tool for fixtures; any failure (exit code, timeout) fails with the tool's output. */
public final class Tool {
    private Tool() {
    }

    /** Output of a successful run. */
    public record Result(String stdout, String stderr) {
    }

    public static Result run(String... command) {
        return run(Map.of(), null, List.of(command));
    }

    public static Result run(Map<String, String> env, Path stdinFile, List<String> command) {
        return run(Duration.ofMinutes(2), env, stdinFile, command);
    }

    /** As {@link #run(Map, Path, List)} with a bound other than 2 minutes (a timeout fails as a hang). */
    public static Result run(Duration timeout, Map<String, String> env, Path stdinFile, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectInput(stdinFile == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdinFile.toFile()));
        try {
            Process p = pb.start();
            // both pipes on threads: neither can fill up and block the tool, and a hung tool that keeps
            // them open cannot block the timeout
            CompletableFuture<String> outFuture = drain(p.getInputStream(), "stdout");
            CompletableFuture<String> err = drain(p.getErrorStream(), "stderr");
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("hang: timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command));
            }
            String out = outFuture.get(1, TimeUnit.MINUTES);
            String stderr = err.get(1, TimeUnit.MINUTES);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + stderr.strip() + (out.isBlank() ? "" : "\nstdout: " + out.strip()));
            }
            return new Result(out, stderr);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (" + e.getMessage()
                    + "): install it with scripts/setup", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no output from " + command.getFirst(), e);
        }
    }

    /** Reads a process's pipe to the end on a virtual thread. */
    static CompletableFuture<String> drain(InputStream in, String what) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("(" + what + " unreadable: " + e + ")");
            }
        });
        return text;
    }

    public static List<String> cmd(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out;
    }
}
