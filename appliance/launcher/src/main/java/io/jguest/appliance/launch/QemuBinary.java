package io.jguest.appliance.launch;

import io.jguest.appliance.build.ToolRun;

import io.jguest.appliance.ApplianceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** The qemu binary: {@code $JGUEST_QEMU}, else {@code qemu-system-x86_64} on PATH or in /usr/bin. */
public record QemuBinary(Path path, String version) {
    private static volatile QemuBinary cached;

    public static QemuBinary find() throws ApplianceException {
        QemuBinary q = cached;
        if (q != null) {
            return q;
        }
        Path p = locate();
        q = new QemuBinary(p, versionOf(p));
        cached = q;
        return q;
    }

    private static Path locate() throws ApplianceException {
        String env = System.getenv("JGUEST_QEMU");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new ApplianceException("JGUEST_QEMU=" + env + ": not an executable file");
        }
        String pathVar = System.getenv().getOrDefault("PATH", "");
        for (String dir : (pathVar + ":/usr/bin:/usr/local/bin:/usr/libexec").split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "qemu-system-x86_64");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new ApplianceException("qemu-system-x86_64 not found: install qemu (Debian/Ubuntu: apt-get install qemu-system-x86)");
    }

    private static String versionOf(Path qemu) throws ApplianceException {
        try {
            ToolRun run = ToolRun.run(List.of(qemu.toString(), "--version"), Duration.ofSeconds(10));
            if (run.exitCode() != 0) {
                throw new ApplianceException(qemu + ": does not run (" + run.output().strip() + ")");
            }
            return run.output().lines().findFirst().orElse("qemu").strip();
        } catch (TimeoutException e) {
            throw new ApplianceException(qemu + ": does not run (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ApplianceException(qemu + ": cannot run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplianceException("interrupted while starting " + qemu, e);
        }
    }
}
