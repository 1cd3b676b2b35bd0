package io.jguest.cli.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs {@code scripts/guestmount} and {@code scripts/guestunmount} as processes, as a user would,
 * with everything they leave confined to one work directory: their {@code java.io.tmpdir} (the
 * appliance's temp files) and {@code XDG_RUNTIME_DIR} (the mount registry). {@link #close()} undoes
 * whatever a failed test left: lazy unmounts, then kills the guestmount processes and their qemu.
 */
public final class MountTool implements AutoCloseable {
    /** What the java launcher prints when it picks up JDK_JAVA_OPTIONS: not ours, filtered out. */
    private static final String JAVA_NOTE = "NOTE: Picked up JDK_JAVA_OPTIONS";

    private final Path work;
    private final Path javaTmp;
    private final Path runtimeDir;
    private final List<Path> mountpoints = new ArrayList<>();

    /** Output of one run; {@link #errLines()} without the java launcher's note. */
    public record Result(int exitCode, String out, String err) {
        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith(JAVA_NOTE)).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    public MountTool(Path work) {
        this.work = work;
        try {
            this.javaTmp = Files.createDirectories(work.resolve("java-tmp"));
            this.runtimeDir = Files.createDirectories(work.resolve("run"));
            Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path work() {
        return work;
    }

    public static Path script(String name) {
        Path p = Path.of(System.getProperty("jguest.scripts", "../scripts"), name).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(p), () -> p + " not found (failsafe sets jguest.scripts)");
        return p;
    }

    /** A new empty directory under the work directory, cleaned up (unmounted) by {@link #close()}. */
    public Path mountpoint(String name) {
        try {
            Path mp = Files.createDirectories(work.resolve(name));
            mountpoints.add(mp);
            return mp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path pidFile(Path mountpoint) {
        return work.resolve(mountpoint.getFileName() + ".pid");
    }

    /** guestmount ARGS... MOUNTPOINT with a pid file; asserts it succeeded and the mount answers. */
    public Path mount(Path mountpoint, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--pid-file", pidFile(mountpoint).toString(), mountpoint.toString()));
        Result r = guestmount(all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of(), r.errLines().stream().filter(l -> !isBuildProgress(l)).toList(), r::toString);
        assertTrue(isMounted(mountpoint), () -> mountpoint + " is not mounted after guestmount returned\n" + r);
        return mountpoint;
    }

    /**
     * The lines a first run prints while it builds the appliance or saves it for fast starts (the cache
     * may have been emptied), or while it waits for another process doing so.
     */
    public static boolean isBuildProgress(String line) {
        return line.startsWith("jguest: building appliance") || line.startsWith("jguest: appliance ready in")
                || line.startsWith("jguest: saving a booted appliance") || line.startsWith("jguest: appliance saved in")
                || line.startsWith("jguest: waiting for another jguest process");
    }

    public Result guestmount(String... args) {
        return run("guestmount", args);
    }

    public Result guestunmount(String... args) {
        return run("guestunmount", args);
    }

    /** guest-inspect ARGS... (it mounts nothing, but runs confined like the others). */
    public Result guestInspect(String... args) {
        return run("guest-inspect", args);
    }

    /** The pid of the guestmount process serving {@code mountpoint}, from its pid file. */
    public long serverPid(Path mountpoint) {
        try {
            return Long.parseLong(Files.readString(pidFile(mountpoint)).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The process runs (a zombie does not: an exited guestmount whose parent is gone waits there until
     * init reaps it).
     */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 1).strip().split(" ")[0];
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException gone) {
            return false;
        }
    }

    public static boolean isMounted(Path mountpoint) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .anyMatch(l -> l.split(" ")[4].equals(mountpoint.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Processes (guestmount, qemu) whose command line names a path in the work directory. */
    public List<ProcessHandle> leftovers() {
        String dir = work.toString();
        long me = ProcessHandle.current().pid();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> p.pid() != me && p.isAlive())
                    .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
                    .toList();
        }
    }

    /** Files guestmount and the appliance left in their temp directory. */
    public List<Path> tempFiles() {
        try (Stream<Path> s = Files.list(javaTmp)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Nothing mounted on the tool's mountpoints, no process left, no temp file left. */
    public void assertNothingLeft() throws InterruptedException {
        assertNoMountOrProcessLeft();
        assertEquals(List.of(), tempFiles(), "temp files left behind");
    }

    /** Nothing mounted on the tool's mountpoints, no process left. */
    public void assertNoMountOrProcessLeft() throws InterruptedException {
        for (Path mp : mountpoints) {
            assertTrue(!isMounted(mp), mp + " is still mounted");
        }
        // a killed qemu is reaped asynchronously: give it a moment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!leftovers().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(), leftovers().stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(),
                "processes left behind");
    }

    private Result run(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(script(script).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = environment(new ProcessBuilder(cmd))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(script + " did not finish within 3 minutes: " + cmd);
            }
            return new Result(p.exitValue(), out, err.get(1, TimeUnit.MINUTES));
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        }
    }

    /** The environment the scripts run in: temp files and the registry inside the work directory. */
    public ProcessBuilder environment(ProcessBuilder pb) {
        pb.environment().put("JDK_JAVA_OPTIONS", "-Djava.io.tmpdir=" + javaTmp);
        pb.environment().put("XDG_RUNTIME_DIR", runtimeDir.toString());
        pb.environment().put("JGUEST_ACCEL", System.getenv().getOrDefault("JGUEST_ACCEL", "tcg"));
        return pb;
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Undoes what a failed test left: unmounts lazily, kills the serving processes and their qemu. */
    @Override
    public void close() {
        for (Path mp : mountpoints) {
            if (isMounted(mp)) {
                try {
                    new ProcessBuilder("fusermount", "-u", "-z", mp.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
                } catch (IOException e) {
                    System.err.println("cleanup: fusermount -u -z " + mp + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        for (ProcessHandle p : leftovers()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
