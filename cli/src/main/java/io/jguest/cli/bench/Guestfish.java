package io.jguest.cli.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Times libguestfs's launch the way its own boot-benchmark does: {@code guestfish -a /dev/null run},
 * a whole process each time. Only for comparison; optional.
 */
public final class Guestfish {
    private final Path executable;

    private Guestfish(Path executable) {
        this.executable = executable;
    }

    /** guestfish from {@code PATH}, if installed. */
    public static Optional<Guestfish> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "guestfish");
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(new Guestfish(candidate));
            }
        }
        return Optional.empty();
    }

    public Path executable() {
        return executable;
    }

    /**
     * One {@code guestfish -a /dev/null run}: wall time of the whole process.
     *
     * @param forceTcg run libguestfs's qemu under TCG too ({@code LIBGUESTFS_BACKEND_SETTINGS=force_tcg},
     *                 unless that variable is already set), so both sides use the same accelerator
     */
    public Duration timeOneRun(boolean forceTcg) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of(executable.toString(), "-a", "/dev/null", "run"))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (forceTcg) {
            pb.environment().putIfAbsent("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
        }
        long start = System.nanoTime();
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (code != 0) {
            String text = new String(output, StandardCharsets.UTF_8).strip();
            // libguestfs explains at length; its first "error:" line is the one that matters
            String reason = text.lines().filter(l -> l.contains("error:")).findFirst()
                    .or(() -> text.lines().reduce((a, b) -> b)).map(l -> ": " + l.strip()).orElse("");
            throw new IOException(executable + " -a /dev/null run failed (exit " + code + ")" + reason);
        }
        return elapsed;
    }
}
