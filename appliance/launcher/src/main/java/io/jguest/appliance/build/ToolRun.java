package io.jguest.appliance.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a host tool ({@code qemu --version}, {@code qemu-img info}, jlink, mkfs) with its combined output,
 * bounded: the output is read beside the wait, so a tool that hangs with its output open is killed at
 * the deadline instead of blocking the launch.
 *
 * @param exitCode the tool's exit status
 * @param output   stdout and stderr, interleaved
 */
public record ToolRun(int exitCode, String output) {
    /** Runs {@code command} with LC_ALL=C and stdin from /dev/null; kills it at {@code timeout}. */
    public static ToolRun run(List<String> command, Duration timeout) throws IOException, TimeoutException, InterruptedException {
        return run(command, timeout, null);
    }

    /** As {@link #run(List, Duration)} with exactly {@code environment} (null: this process's). */
    public static ToolRun run(List<String> command, Duration timeout, java.util.Map<String, String> environment)
            throws IOException, TimeoutException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (environment != null) {
            pb.environment().clear();
            pb.environment().putAll(environment);
        }
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        CompletableFuture<String> output = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                output.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.completeExceptionally(new UncheckedIOException(e));
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException(command.getFirst() + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new ToolRun(p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            throw new IOException("cannot read the output of " + command.getFirst(), e.getCause());
        } finally {
            p.destroyForcibly(); // no-op once it has exited
        }
    }
}
