package io.jguest.cli;

import io.jguest.appliance.Accel;
import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.Drive;
import io.jguest.appliance.Guest;
import io.jguest.appliance.LaunchReport;
import io.jguest.cli.bench.Guestfish;
import io.jguest.cli.bench.HostInfo;
import io.jguest.cli.bench.Stats;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jguest boot-benchmark}, in the spirit of libguestfs's: warm-up launches, then N passes of
 * launch, daemon ready, shutdown, with one small read-only drive (libguestfs uses {@code /dev/null};
 * our launcher refuses empty images, so a 1 MiB sparse raw file stands in). Phases come from the
 * {@link LaunchReport} of each pass and from timing {@link Guest#close()}; between them, untimed,
 * {@value #ROUND_TRIPS} {@code lstat} round trips show how warm the daemon is. By default both ways of
 * starting are measured, one after the other: restored from the saved appliance (the default start;
 * its first warm-up makes the saved state if there is none) and a cold boot.
 */
@Command(name = "boot-benchmark", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measure appliance launch-to-ready-to-shutdown time.")
final class BootBenchmarkCommand implements Callable<Integer> {
    private final Cli cli;

    @Mixin
    CommonOptions common;

    @Option(names = "--passes", paramLabel = "N", defaultValue = "10", description = "Timed passes (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed warm-up launches (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = {"--memsize"}, paramLabel = "MiB", description = "Guest memory (default: the launcher's).")
    Integer memsize;

    @Option(names = "--smp", paramLabel = "N", description = "Guest vCPUs (default: the launcher's).")
    Integer smp;

    @Option(names = "--append", paramLabel = "ARG", description = "Extra kernel argument (repeatable).")
    List<String> append = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "both",
            description = "restored (from the saved appliance), cold (boot), or both (default).")
    String mode;

    @Option(names = "--vs-libguestfs",
            description = "Also time 'guestfish -a /dev/null run' (if installed) the same number of times and print the ratio.")
    boolean vsLibguestfs;

    BootBenchmarkCommand(Cli cli) {
        this.cli = cli;
    }

    /** Round trips timed after each launch (not part of its total): how warm the daemon is. */
    static final int ROUND_TRIPS = 50;

    /**
     * One timed pass.
     *
     * @param total     launch to ready to shutdown (the round trips excluded)
     * @param roundTrip mean of {@value #ROUND_TRIPS} {@code lstat("/")} calls right after ready
     */
    record Pass(Duration total, Duration launch, Duration shutdown, LaunchReport report, Duration roundTrip) {
    }

    @Override
    public Integer call() throws Exception {
        if (passes < 1 || warmup < 0) {
            throw new CliException("--passes must be at least 1 and --warmup at least 0");
        }
        PrintWriter out = cli.terminal().out();
        Path dir = Files.createTempDirectory("jguest-bench-");
        try {
            Path disk = dir.resolve("empty.img");
            try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
                f.setLength(1 << 20);
            }
            List<Boolean> saved = switch (mode) {
                case "restored" -> List.of(true);
                case "cold" -> List.of(false);
                case "both" -> List.of(true, false);
                default -> throw new CliException("--mode must be restored, cold or both, not '" + mode + "'");
            };
            List<List<Pass>> runs = new ArrayList<>();
            for (boolean restored : saved) {
                ApplianceConfig config = config(disk, restored);
                String what = restored ? "restored" : "cold";
                out.println("Warming up (" + warmup + " " + what + " launches)...");
                out.flush();
                for (int i = 0; i < warmup; i++) {
                    onePass(config);
                }
                List<Pass> timed = new ArrayList<>();
                for (int i = 0; i < passes; i++) {
                    Pass p = onePass(config);
                    timed.add(p);
                    out.printf(Locale.ROOT, "%s pass %d: %d ms (ready %d ms, shutdown %d ms)%n", what, i + 1,
                            p.total().toMillis(), p.launch().toMillis(), p.shutdown().toMillis());
                    out.flush();
                }
                printReport(out, config, timed);
                runs.add(timed);
            }
            if (vsLibguestfs) {
                compareWithLibguestfs(out, runs, runs.getFirst().getFirst().report().accel() == Accel.TCG);
            }
        } finally {
            Files.deleteIfExists(dir.resolve("empty.img"));
            Files.deleteIfExists(dir);
        }
        return ExitCodes.OK;
    }

    private ApplianceConfig config(Path disk, boolean restored) {
        ApplianceConfig.Builder b = cli.configFor(List.of(new Drive(disk, "raw", true))).savedState(restored);
        if (memsize != null) {
            b.memoryMiB(memsize);
        }
        if (smp != null) {
            b.cpus(smp);
        }
        append.forEach(b::addKernelArg);
        return b.build();
    }

    private Pass onePass(ApplianceConfig config) throws Exception {
        long start = System.nanoTime();
        Guest guest = cli.launch(config);
        long ready = System.nanoTime();
        LaunchReport report;
        long calls;
        long closing;
        try {
            report = guest.report();
            long c0 = System.nanoTime();
            for (int i = 0; i < ROUND_TRIPS; i++) {
                guest.lstat("/");
            }
            calls = System.nanoTime() - c0;
        } finally {
            closing = System.nanoTime();
            guest.close();
        }
        long end = System.nanoTime();
        return new Pass(Duration.ofNanos(ready - start + end - closing), Duration.ofNanos(ready - start),
                Duration.ofNanos(end - closing), report, Duration.ofNanos(calls / ROUND_TRIPS));
    }

    private static void printReport(PrintWriter out, ApplianceConfig config, List<Pass> timed) {
        LaunchReport r = timed.getFirst().report();
        boolean restored = r.restored();
        out.println();
        out.println("Start:       " + (restored ? "restored from the saved appliance" : "cold boot")
                + (config.savedState() && !restored ? " (the saved appliance was not usable: see -v)" : ""));
        out.println("Host:        " + HostInfo.current().describe());
        out.println("qemu:        " + r.qemuVersion());
        out.println("Kernel:      " + r.kernelRelease());
        out.println("Accelerator: " + r.accel().name().toLowerCase(Locale.ROOT)
                + (r.kvmFallback() ? " (KVM was tried and judged hung)" : ""));
        out.println("Memory:      " + config.memoryMiB() + " MiB, " + config.cpus() + " vCPU");
        out.println("Passes:      " + timed.size() + " (after warm-up)");
        out.println();
        out.println("Result: " + Stats.of(timed.stream().map(Pass::total).toList()).format()
                + "  (launch to ready to shutdown)");
        phase(out, "launch to daemon ready", timed.stream().map(Pass::launch).toList());
        phase(out, "launch to qemu start", timed.stream().map(p -> nonNegative(p.launch().minus(p.report().qemuToHello()))).toList());
        if (restored) {
            phase(out, "qemu start to state loaded", timed.stream().map(p -> p.report().stateLoad()).toList());
            phase(out, "loaded to daemon ready",
                    timed.stream().map(p -> nonNegative(p.report().qemuToHello().minus(p.report().stateLoad()))).toList());
        } else {
            phase(out, "qemu start to kernel", timed.stream().map(p -> p.report().qemuToKernel()).toList());
            phase(out, "kernel to init", timed.stream().map(p -> p.report().kernelToInit()).toList());
            phase(out, "init to daemon ready",
                    timed.stream().map(p -> nonNegative(p.report().kernelToReady().minus(p.report().kernelToInit()))).toList());
        }
        phase(out, "shutdown", timed.stream().map(Pass::shutdown).toList());
        phase(out, "lstat after ready", timed.stream().map(Pass::roundTrip).toList());
        out.flush();
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static void phase(PrintWriter out, String name, List<Duration> samples) {
        out.printf(Locale.ROOT, "  %-28s %s%n", name + ":", Stats.of(samples).format());
    }

    private void compareWithLibguestfs(PrintWriter out, List<List<Pass>> runs, boolean tcg)
            throws IOException, InterruptedException {
        out.println();
        Optional<Guestfish> found = Guestfish.find();
        if (found.isEmpty()) {
            out.println("libguestfs: guestfish not found on PATH, no comparison"
                    + " (Debian/Ubuntu: apt-get install libguestfs-tools)");
            return;
        }
        Guestfish gf = found.get();
        out.println("libguestfs: " + gf.executable() + " -a /dev/null run, 1 warm-up + " + passes + " passes"
                + (tcg ? " (TCG, like ours: LIBGUESTFS_BACKEND_SETTINGS=force_tcg)" : "") + "...");
        out.flush();
        gf.timeOneRun(tcg);
        List<Duration> samples = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            Duration d = gf.timeOneRun(tcg);
            samples.add(d);
            out.printf(Locale.ROOT, "libguestfs pass %d: %d ms%n", i + 1, d.toMillis());
            out.flush();
        }
        Stats theirs = Stats.of(samples);
        out.println("Result (libguestfs): " + theirs.format());
        for (List<Pass> run : runs) {
            String what = run.getFirst().report().restored() ? "restored" : "cold";
            Stats total = Stats.of(run.stream().map(Pass::total).toList());
            Stats ready = Stats.of(run.stream().map(Pass::launch).toList());
            out.printf(Locale.ROOT, "Ratio (%s): jguest/libguestfs = %.3f (jguest is %.1fx faster);"
                    + " launch to ready/libguestfs = %.3f%n", what, total.meanMs() / theirs.meanMs(),
                    theirs.meanMs() / total.meanMs(), ready.meanMs() / theirs.meanMs());
        }
        out.flush();
    }
}
