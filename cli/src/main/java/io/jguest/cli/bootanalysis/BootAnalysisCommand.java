package io.jguest.cli.bootanalysis;

import io.jguest.appliance.ApplianceConfig;
import io.jguest.appliance.ApplianceException;
import io.jguest.appliance.ConsoleCapture;
import io.jguest.appliance.Guest;
import io.jguest.appliance.LaunchReport;
import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.CommonOptions;
import io.jguest.cli.ExitCodes;
import io.jguest.cli.VersionProvider;
import io.jguest.cli.bench.HostInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code boot-analysis}: where the appliance's launch time goes, after libguestfs's boot-analysis.
 * One warm-up launch, then N passes, each a launch with no user drive and the kernel's
 * {@code initcall_debug} and timestamps plus the init scripts' markers on the console
 * ({@link #KERNEL_ARGS}), the console kept with the host's arrival times, and a shutdown. Each pass
 * becomes activities ({@link BootLogParser}); their mean over the passes ({@link Timeline}) is printed
 * as an indented timeline and the longest activities ({@link TimelinePrinter}), and with {@code --svg}
 * drawn as a Gantt chart ({@link SvgGantt}). A pass that fails is reported and the others go on.
 *
 * <p>{@code --restored} analyses the default launch instead, the appliance restored from its saved
 * state: no kernel argument is added (the saved machine's command line is its state's key, and any
 * other argument makes the launch boot cold), the restore's steps come from the launcher's host times
 * ({@link LaunchReport#stateLoad()}, {@link LaunchReport#drivesAdded()}, {@link LaunchReport#resumeSent()})
 * and the daemon's {@code daemon-resumed} console line, and a pass that booted cold instead fails.
 */
@Command(name = "boot-analysis", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Analyse where the appliance's launch time goes: launch it N times with the kernel's initcall"
                + " timings and the init scripts' markers on its console, and print the mean timeline of activities"
                + " (start, duration ±sd, % of the whole run) and the longest ones.", ""},
        footer = {"", "Examples:",
            "  boot-analysis",
            "  boot-analysis --passes 5 --svg boot.svg",
            "  boot-analysis --restored --passes 5 --svg restored.svg",
            "  boot-analysis --save captures/ && boot-analysis --replay captures/pass-1.txt --replay captures/pass-2.txt",
            "", "Exit status: 0 when at least one pass could be analysed, 1 otherwise."})
final class BootAnalysisCommand implements Callable<Integer> {
    /** What an analysis launch adds to the kernel command line. */
    static final List<String> KERNEL_ARGS = List.of("initcall_debug", "printk.time=1", "ignore_loglevel",
            "jguest.analysis=1");
    private static final int LONGEST = 10;
    /** Other processes' CPU time during a pass above which its times are said to be disturbed. */
    private static final double DISTURBED_CPU_SECONDS = 0.3;

    private final Cli cli;

    @Option(names = "--passes", paramLabel = "N", defaultValue = "3", description = "Analysed launches (default ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "Launches before them, not analysed (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also draw the mean pass as an SVG Gantt chart in FILE.")
    Path svg;

    @Option(names = "--restored", description = "Analyse the launch restored from the saved appliance (the default"
            + " launch; the state is made first if needed) instead of a cold boot with the kernel's timings.")
    boolean restored;

    @Option(names = "--append", paramLabel = "ARG", description = "Another kernel argument (repeatable; not with --restored).")
    List<String> append = new ArrayList<>();

    @Option(names = "--save", paramLabel = "DIR", description = "Keep each pass's console and host times in DIR/pass-N.txt.")
    Path save;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Analyse passes saved by --save instead of launching (repeatable).")
    List<Path> replay = new ArrayList<>();

    @Mixin
    CommonOptions common;

    BootAnalysisCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (passes < 1 || warmup < 0) {
            throw new CliException("--passes must be at least 1 and --warmup at least 0");
        }
        if (restored && !append.isEmpty()) {
            throw new CliException("--append: a restored appliance takes no kernel argument (it would boot cold)");
        }
        if (restored && !replay.isEmpty()) {
            throw new CliException("--restored: a replayed capture says itself whether it was restored");
        }
        PrintWriter out = cli.terminal().out();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<PassRecord> records = replay.isEmpty() ? launchAll(out, started) : readAll();
        if (records.isEmpty()) {
            throw new CliException("no pass could be analysed: every launch failed");
        }
        if (save != null) {
            saveAll(records);
        }
        List<PassTimeline> timelines = records.stream().map(BootLogParser::parse).toList();
        if (cli.verbose()) {
            for (int i = 0; i < records.size(); i++) {
                out.print(events(i + 1, records.get(i), timelines.get(i)));
            }
        }
        Timeline timeline = Timeline.of(timelines);
        out.println();
        out.print(TimelinePrinter.render(timeline, LONGEST));
        if (svg != null) {
            try {
                String what = records.getFirst().restore() != null ? "jguest appliance restore" : "jguest appliance boot";
                String title = replay.isEmpty() ? what + ", " + started
                        : what + ", replayed from " + records.size() + " saved passes";
                Files.writeString(svg, SvgGantt.render(timeline, title), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("--svg " + svg + ": cannot write it: " + e.getMessage(), e);
            }
            out.println();
            out.println("SVG: " + svg);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private List<PassRecord> launchAll(PrintWriter out, Instant started) {
        ApplianceConfig config = config();
        out.println("Date:        " + started);
        out.println("Host:        " + HostInfo.current().describe());
        out.println("Memory:      " + config.memoryMiB() + " MiB, " + config.cpus() + " vCPU, no user drive");
        out.println(restored ? "Launch:      restored from the saved appliance (none added to the kernel arguments)"
                : "Kernel args: " + String.join(" ", config.extraKernelArgs()) + " (added)");
        out.println("Passes:      " + passes + " after " + warmup + " warm-up");
        out.flush();
        LaunchReport first = null;
        for (int i = 0; i < warmup; i++) {
            try {
                first = launchPass(config).report();
            } catch (ApplianceException | RuntimeException e) {
                out.println("warm-up launch " + (i + 1) + " failed: " + e.getMessage());
            }
        }
        List<PassRecord> done = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            long before = otherQemus();
            Optional<HostLoad.Sample> load = HostLoad.sample();
            try {
                Launched l = launchPass(config);
                if (first == null) {
                    first = l.report();
                }
                PassRecord r = l.record();
                if (restored && r.restore() == null) {
                    throw new IllegalStateException("it booted cold: the saved appliance was not restored (-v says why)");
                }
                done.add(r);
                out.printf(Locale.ROOT, "pass %d: ready %.1f ms, whole run %.1f ms (shutdown %.1f ms)%s%n", i + 1,
                        r.helloMs() - r.launchMs(), r.shutdownEndMs() - r.launchMs(), r.shutdownEndMs() - r.shutdownStartMs(),
                        r.restore() == null ? "" : String.format(Locale.ROOT, ", state loaded %.1f ms", r.restore().stateLoadedMs()));
            } catch (ApplianceException | RuntimeException e) {
                out.println("pass " + (i + 1) + " failed: " + e.getMessage());
            }
            long others = Math.max(before, otherQemus()); // ours is gone by now
            if (others > 0) {
                out.println("warning: " + others + " other qemu process(es) ran during pass " + (i + 1)
                        + ": its times are disturbed");
            }
            Optional<HostLoad.Sample> after = HostLoad.sample();
            if (load.isPresent() && after.isPresent()) {
                double busy = after.get().othersSecondsSince(load.get());
                if (busy > DISTURBED_CPU_SECONDS) {
                    out.printf(Locale.ROOT, "warning: other processes used %.2f CPU-seconds during pass %d: its times"
                            + " are disturbed%n", busy, i + 1);
                }
            }
            out.flush();
        }
        if (first != null) {
            out.println("qemu:        " + first.qemuVersion());
            out.println("Kernel:      " + first.kernelRelease());
            out.println("Accelerator: " + first.accel().name().toLowerCase(Locale.ROOT)
                    + (first.kvmFallback() ? " (KVM was tried and judged hung)" : ""));
        }
        return done;
    }

    /**
     * The analysed launches' configuration: a cold boot with {@link #KERNEL_ARGS} and {@code --append}, or
     * with {@code --restored} the default launch from the saved appliance, nothing added.
     */
    ApplianceConfig config() {
        ApplianceConfig.Builder b = cli.configFor(List.of());
        if (restored) {
            b.savedState(true);
        } else {
            KERNEL_ARGS.forEach(b::addKernelArg);
            append.forEach(b::addKernelArg);
        }
        return b.build();
    }

    /** One launch and what the host saw of it. */
    record Launched(LaunchReport report, PassRecord record) {
    }

    /** One launch: the guest is closed (qemu gone) before this returns, whatever happens. */
    private Launched launchPass(ApplianceConfig config) throws ApplianceException {
        long launch = System.nanoTime();
        Guest guest = cli.launch(config);
        long closeStart;
        LaunchReport report;
        try {
            report = guest.report();
        } finally {
            closeStart = System.nanoTime();
            guest.close();
        }
        long closeEnd = System.nanoTime();
        ConsoleCapture capture = guest.console();
        if (capture.lines().isEmpty()) {
            throw new IllegalStateException("the launcher kept no console for this launch");
        }
        return new Launched(report, PassRecord.of(launch, report, closeStart, closeEnd, capture));
    }

    /**
     * qemu processes on the host (call it when ours is not running): timings are only worth something
     * on an otherwise idle host, so a pass says when another one ran at its start or end.
     */
    private static long otherQemus() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false)).count();
    }

    private List<PassRecord> readAll() throws CliException {
        List<PassRecord> out = new ArrayList<>();
        for (Path p : replay) {
            try {
                out.add(PassRecord.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new CliException("--replay " + p + ": cannot read it: " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new CliException("--replay " + e.getMessage(), e);
            }
        }
        return out;
    }

    private void saveAll(List<PassRecord> records) throws CliException {
        try {
            Files.createDirectories(save);
            for (int i = 0; i < records.size(); i++) {
                try (Writer w = Files.newBufferedWriter(save.resolve("pass-" + (i + 1) + ".txt"), StandardCharsets.UTF_8)) {
                    records.get(i).write(w);
                }
            }
        } catch (IOException e) {
            throw new CliException("--save " + save + ": cannot write the captures: " + e.getMessage(), e);
        }
    }

    /** {@code -v}: every host event and console line of a pass with its time, then its activities. */
    static String events(int n, PassRecord r, PassTimeline t) {
        StringWriter sw = new StringWriter();
        PrintWriter w = new PrintWriter(sw);
        KernelClock clock = BootLogParser.kernelClock(r);
        w.printf(Locale.ROOT, "%npass %d events (ms since qemu start; printk clock + %s):%n", n, clock == null
                ? (r.restore() != null ? "none: restored" : "? (no kernel timestamps)")
                : String.format(Locale.ROOT, "%.3f ms at entry, %.3f ms at the end", clock.entryOffset(), clock.finalOffset()));
        w.printf(Locale.ROOT, "%12.3f  host: launch called%n", r.launchMs());
        w.printf(Locale.ROOT, "%12.3f  host: qemu started%n", 0.0);
        if (r.restore() != null) {
            w.printf(Locale.ROOT, "%12.3f  host: state loaded%n%12.3f  host: drives added%n%12.3f  host: cont, resume sent%n",
                    r.restore().stateLoadedMs(), r.restore().drivesAddedMs(), r.restore().resumeSentMs());
        }
        boolean helloShown = false;
        for (PassRecord.ConsoleLine l : r.console()) {
            if (!helloShown && l.hostMs() > r.helloMs()) {
                w.printf(Locale.ROOT, "%12.3f  host: hello received%n", r.helloMs());
                helloShown = true;
            }
            w.printf(Locale.ROOT, "%12.3f  %s%n", l.hostMs(), l.text());
        }
        if (!helloShown) {
            w.printf(Locale.ROOT, "%12.3f  host: hello received%n", r.helloMs());
        }
        w.printf(Locale.ROOT, "%12.3f  host: close called%n%12.3f  host: closed (qemu gone)%n", r.shutdownStartMs(),
                r.shutdownEndMs());
        w.printf(Locale.ROOT, "pass %d activities:%n", n);
        for (Activity a : t.activities()) {
            w.printf(Locale.ROOT, "%12.3f %10.3f  %s%n", a.startMs(), a.durationMs(), a.name());
        }
        t.notes().forEach(note -> w.println("  note: " + note));
        w.flush();
        return sw.toString();
    }
}
