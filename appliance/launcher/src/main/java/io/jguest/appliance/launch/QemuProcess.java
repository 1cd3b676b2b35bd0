package io.jguest.appliance.launch;

import io.jguest.appliance.ConsoleCapture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running qemu under its watchdog, with its console (qemu's stdout = the guest's ttyS0) and stderr
 * captured line by line. Close kills it (and the watchdog); idempotent and bounded.
 */
final class QemuProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QemuProcess.class);
    private static final Logger consoleLog = LoggerFactory.getLogger(QemuGuest.CONSOLE_LOGGER);
    private static final int TAIL_LINES = 40;

    /**
     * Runs "$@" (qemu) and waits for it; when the owner pid disappears, gives the guest 10 s to power
     * itself off (its channel closed), then kills it. TERM/INT to the watchdog kill qemu at once. And
     * should the watchdog itself be killed (with its owner, say, by a SIGKILL of the process group),
     * qemu gets a SIGKILL from the kernel: it runs under {@code setpriv --pdeathsig KILL}, whose parent
     * is this single-threaded shell (never a JVM thread, whose end would kill qemu by mistake).
     */
    private static final String WATCHDOG = """
            owner=$1; shift
            if command -v setpriv >/dev/null 2>&1; then set -- setpriv --pdeathsig KILL -- "$@"; fi
            "$@" </dev/null &
            q=$!
            trap 'kill -KILL $q $! 2>/dev/null; wait $q; exit 143' TERM INT HUP
            while kill -0 $q 2>/dev/null; do
              if ! kill -0 $owner 2>/dev/null; then
                i=0
                while kill -0 $q 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done
                kill -KILL $q 2>/dev/null
                break
              fi
              sleep 1 & wait $!
            done
            wait $q
            """;

    private final Process process;
    private final long startNanos;
    private final Deque<String> tail = new ArrayDeque<>();
    private final List<ConsoleCapture.Line> lines = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread consoleThread;
    private final Thread stderrThread;

    private QemuProcess(Process process, long startNanos, Consumer<String> console) {
        this.process = process;
        this.startNanos = startNanos;
        this.consoleThread = Thread.ofPlatform().daemon().name("jguest-console").start(() -> pumpConsole(console));
        this.stderrThread = Thread.ofPlatform().daemon().name("jguest-qemu-stderr").start(this::pumpStderr);
    }

    static QemuProcess start(List<String> argv, Consumer<String> console) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "jguest-qemu",
                Long.toString(ProcessHandle.current().pid())));
        cmd.addAll(argv);
        log.debug("qemu: {}", String.join(" ", argv));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C");
        long t0 = System.nanoTime();
        return new QemuProcess(pb.start(), t0, console);
    }

    long startNanos() {
        return startNanos;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** The last console lines and qemu's error output, for error messages. */
    synchronized String tail() {
        StringBuilder sb = new StringBuilder();
        for (String l : tail) {
            sb.append(l).append('\n');
        }
        if (!stderr.isEmpty()) {
            sb.append(stderr);
        }
        return sb.toString();
    }

    /** qemu's stderr so far (its own error messages). */
    synchronized String stderr() {
        return stderr.toString();
    }

    /** The console lines so far with their arrival times. */
    synchronized ConsoleCapture capture() {
        return new ConsoleCapture(startNanos, lines);
    }

    /**
     * qemu's exit status once it has exited (128 + N when a signal N ended it, or the watchdog killed
     * it), else -1.
     */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits up to {@code timeout} for qemu to exit by itself. */
    boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills qemu and its watchdog now, and waits (bounded) for them to go. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            // TERM to the watchdog: its trap kills qemu and reaps it before exiting, so waiting for our
            // direct child is exact (waiting on a grandchild's handle polls, and took ~1.4 s)
            process.destroy();
            if (!waitFor(Duration.ofSeconds(5))) {
                log.debug("the qemu watchdog did not exit on TERM: killing everything");
                List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
                all.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                waitFor(Duration.ofSeconds(5));
            }
        }
        joinQuietly(consoleThread);
        joinQuietly(stderrThread);
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pumpConsole(Consumer<String> console) {
        try (BufferedReader r = reader(process.getInputStream())) {
            String line;
            while ((line = r.readLine()) != null) {
                String text = line.replace("\r", "");
                long now = System.nanoTime() - startNanos;
                synchronized (this) {
                    tail.addLast(text);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                    if (lines.size() < 20_000) {
                        lines.add(new ConsoleCapture.Line(now, text));
                    }
                }
                consoleLog.debug("{}", text);
                console.accept(text);
            }
        } catch (IOException e) {
            log.debug("console closed: {}", e.toString());
        }
    }

    private void pumpStderr() {
        try (BufferedReader r = reader(process.getErrorStream())) {
            String line;
            while ((line = r.readLine()) != null) {
                log.debug("qemu: {}", line);
                synchronized (this) {
                    if (stderr.length() < 16_384) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            log.debug("qemu stderr closed: {}", e.toString());
        }
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
