package io.jguest.appliance.launch;

import io.jguest.appliance.build.ToolRun;

import io.jguest.appliance.ApplianceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The qemu binary: {@code $JGUEST_QEMU}, else {@code qemu-system-x86_64} on PATH or in /usr/bin.
 *
 * @param sandbox the build has seccomp ({@code -sandbox}): found at no cost by asking for the version
 *                with {@link #SANDBOX} before {@code --version} (qemu parses options in order and
 *                rejects {@code -sandbox} when built without it)
 */
public record QemuBinary(Path path, String version, boolean sandbox) {
    /**
     * qemu's seccomp filter: the default set (obsolete calls) plus no privilege changes and no
     * scheduling or resource changes. Spawning stays allowed: the saved appliance is written and read
     * through {@code exec:cat} migrations.
     */
    public static final String SANDBOX = "on,obsolete=deny,elevateprivileges=deny,resourcecontrol=deny";

    private static volatile QemuBinary cached;

    /** A binary without the sandbox (tests of command lines). */
    public QemuBinary(Path path, String version) {
        this(path, version, false);
    }

    public static QemuBinary find() throws ApplianceException {
        QemuBinary q = cached;
        if (q != null) {
            return q;
        }
        Path p = locate();
        String sandboxed = versionOf(p, List.of("-sandbox", SANDBOX));
        q = sandboxed != null ? new QemuBinary(p, sandboxed, true) : new QemuBinary(p, versionOf(p, List.of()), false);
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

    /**
     * The first line of {@code qemu OPTIONS --version}; null when {@code options} are not empty and
     * qemu rejects them.
     */
    private static String versionOf(Path qemu, List<String> options) throws ApplianceException {
        try {
            List<String> cmd = new ArrayList<>(List.of(qemu.toString()));
            cmd.addAll(options);
            cmd.add("--version");
            ToolRun run = ToolRun.run(cmd, Duration.ofSeconds(10));
            if (run.exitCode() != 0 && !options.isEmpty()) {
                return null;
            }
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
