package io.jguest.appliance;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything needed to launch one appliance. Immutable; make one with {@link #builder()}.
 *
 * @param drives          user drives in order: /dev/sda, /dev/sdb...
 * @param accel           accelerator choice
 * @param memoryMiB       guest memory
 * @param cpus            guest vCPUs
 * @param cacheDir        appliance cache ({@code $XDG_CACHE_HOME/jguest} by default)
 * @param daemonClasspath the daemon's jars, copied into the appliance
 * @param readyTimeout    how long a TCG launch may take to say hello
 * @param kvmReadyTimeout how long a KVM launch may take before it is judged hung (then TCG)
 * @param console         receives every console line (for -v); never null
 * @param progress        receives build progress lines (first build); never null
 * @param extraKernelArgs appended to the kernel command line
 * @param savedState      start from the saved appliance (made on first use) instead of booting, when
 *                        possible: not with extra kernel arguments other than {@code jguest.verbose=1}
 *                        (they would need a boot); {@code JGUEST_SAVED=0} turns it off by default
 */
public record ApplianceConfig(List<Drive> drives, Accel accel, int memoryMiB, int cpus, Path cacheDir,
                              List<Path> daemonClasspath, Duration readyTimeout, Duration kvmReadyTimeout,
                              Consumer<String> console, Consumer<String> progress, List<String> extraKernelArgs,
                              boolean savedState) {
    /** Property naming the daemon's jars (path-separator list), set by the scripts and the build. */
    public static final String DAEMON_CLASSPATH_PROPERTY = "jguest.daemon.classpath";
    /** Environment variable that turns the saved appliance off ({@code 0}) by default. */
    public static final String SAVED_ENV = "JGUEST_SAVED";

    public ApplianceConfig {
        drives = List.copyOf(drives);
        daemonClasspath = List.copyOf(daemonClasspath);
        extraKernelArgs = List.copyOf(extraKernelArgs);
        Objects.requireNonNull(accel, "accel");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(progress, "progress");
        if (memoryMiB < 256) {
            throw new IllegalArgumentException("memoryMiB (" + memoryMiB + ") must be at least 256");
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus (" + cpus + ") must be at least 1");
        }
        if (drives.size() > 26) {
            throw new IllegalArgumentException("at most 26 drives (" + drives.size() + " given)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.drives.addAll(drives);
        b.accel = accel;
        b.memoryMiB = memoryMiB;
        b.cpus = cpus;
        b.cacheDir = cacheDir;
        b.daemonClasspath = daemonClasspath;
        b.readyTimeout = readyTimeout;
        b.kvmReadyTimeout = kvmReadyTimeout;
        b.console = console;
        b.progress = progress;
        b.extraKernelArgs.addAll(extraKernelArgs);
        b.savedState = savedState;
        return b;
    }

    /** {@code $XDG_CACHE_HOME/jguest}, else {@code ~/.cache/jguest}. */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jguest");
    }

    /**
     * The daemon jars named by the {@value #DAEMON_CLASSPATH_PROPERTY} property (a list, or a directory
     * whose jars are all taken).
     */
    public static List<Path> defaultDaemonClasspath() {
        String prop = System.getProperty(DAEMON_CLASSPATH_PROPERTY, "");
        List<Path> out = new ArrayList<>();
        for (String part : prop.split(File.pathSeparator)) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(out::add);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("cannot list daemon classpath directory " + p, e);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Builder with defaults: AUTO accelerator, 512 MiB, 2 vCPUs (1 on a one-core host: the JVM, the module
     * loader and the daemon start in parallel, about 0.75 s faster under TCG), default cache and daemon path.
     * (With several vCPUs the guest kernel may name the disks out of attach order; the daemon renames
     * them by SCSI target so that {@code /dev/sda} is always the first drive.)
     */
    public static final class Builder {
        private final List<Drive> drives = new ArrayList<>();
        private Accel accel = Accel.fromEnvironment();
        private int memoryMiB = 512;
        private int cpus = Math.min(2, Runtime.getRuntime().availableProcessors());
        private Path cacheDir = defaultCacheDir();
        private List<Path> daemonClasspath;
        private Duration readyTimeout = Duration.ofSeconds(120);
        private Duration kvmReadyTimeout = Duration.ofSeconds(10);
        private Consumer<String> console = line -> { };
        private Consumer<String> progress = line -> { };
        private final List<String> extraKernelArgs = new ArrayList<>();
        private boolean savedState = !"0".equals(System.getenv(SAVED_ENV));

        public Builder addDrive(Drive drive) {
            drives.add(Objects.requireNonNull(drive));
            return this;
        }

        public Builder accel(Accel accel) {
            this.accel = accel;
            return this;
        }

        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        public Builder cpus(int cpus) {
            this.cpus = cpus;
            return this;
        }

        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        public Builder daemonClasspath(List<Path> jars) {
            this.daemonClasspath = List.copyOf(jars);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        public Builder kvmReadyTimeout(Duration timeout) {
            this.kvmReadyTimeout = timeout;
            return this;
        }

        public Builder console(Consumer<String> console) {
            this.console = console;
            return this;
        }

        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public Builder addKernelArg(String arg) {
            extraKernelArgs.add(arg);
            return this;
        }

        /** Start from the saved appliance when possible (default: unless {@code JGUEST_SAVED=0}). */
        public Builder savedState(boolean on) {
            this.savedState = on;
            return this;
        }

        public ApplianceConfig build() {
            List<Path> cp = daemonClasspath != null ? daemonClasspath : defaultDaemonClasspath();
            return new ApplianceConfig(drives, accel, memoryMiB, cpus, cacheDir, cp, readyTimeout,
                    kvmReadyTimeout, console, progress, extraKernelArgs, savedState);
        }
    }
}
