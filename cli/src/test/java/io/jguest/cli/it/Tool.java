package io.jguest.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectInput(stdinFile == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                : ProcessBuilder.Redirect.from(stdinFile.toFile()));
        try {
            Process p = pb.start();
            // stderr on a thread so neither pipe can fill up and block the tool
            var err = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    err.complete("(stderr unreadable: " + e + ")");
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
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
            throw new AssertionError("no stderr from " + command.getFirst(), e);
        }
    }

    public static List<String> cmd(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(p.toString());
        }
        return out;
    }
}
