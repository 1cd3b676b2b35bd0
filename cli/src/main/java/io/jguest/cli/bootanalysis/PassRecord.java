package io.jguest.cli.bootanalysis;

import io.jguest.appliance.ConsoleCapture;
import io.jguest.appliance.LaunchReport;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the host saw of one launch, on one clock: milliseconds since qemu was started (negative before
 * it). This is all a {@link BootLogParser} needs, and what {@code --save DIR} writes and
 * {@code --replay FILE} reads back, in a line format:
 *
 * <pre>
 * # jguest boot-analysis capture 1 (ms since qemu start)
 * launch -48.113
 * hello 3456.789
 * shutdown 3460.102 3590.550
 * console 12.345 [    0.000000] Linux version ...
 * </pre>
 *
 * A launch restored from the saved appliance has one more line, {@code restore LOADED ADDED RESUMED}
 * ({@link Restore}), and its console starts after the restore (what the saved machine printed before
 * its save is not replayed).
 *
 * @param launchMs        when {@code Guest.launch} was called (before qemu starts: negative)
 * @param helloMs         when the daemon's hello reached the host (the appliance is ready)
 * @param shutdownStartMs when {@code Guest.close} was called
 * @param shutdownEndMs   when it returned (qemu has exited)
 * @param console         the serial console, line by line, with the host's arrival times
 * @param restore         the restore's host times, or null for a cold boot
 */
public record PassRecord(double launchMs, double helloMs, double shutdownStartMs, double shutdownEndMs,
                         List<ConsoleLine> console, Restore restore) {
    static final String HEADER = "# jguest boot-analysis capture 1 (ms since qemu start)";

    public PassRecord {
        console = List.copyOf(console);
    }

    /** A cold boot's pass. */
    public PassRecord(double launchMs, double helloMs, double shutdownStartMs, double shutdownEndMs,
                      List<ConsoleLine> console) {
        this(launchMs, helloMs, shutdownStartMs, shutdownEndMs, console, null);
    }

    /**
     * The host's times of a restore from the saved appliance (ms since qemu start), from
     * {@code LaunchReport}.
     *
     * @param stateLoadedMs the saved state loaded (qemu paused, {@code query-status})
     * @param drivesAddedMs every user drive hot-plugged (still paused)
     * @param resumeSentMs  {@code cont} done and the resume call (clock, entropy, drive count) sent
     */
    public record Restore(double stateLoadedMs, double drivesAddedMs, double resumeSentMs) {
    }

    /**
     * One console line.
     *
     * @param hostMs when the host read it (ms since qemu start)
     * @param text   the line
     */
    public record ConsoleLine(double hostMs, String text) {
    }

    /**
     * One pass from the launcher's own records: the nanoTime readings are the caller's, around
     * {@code launch} and {@code close}.
     */
    static PassRecord of(long launchNanos, LaunchReport report, long closeStartNanos, long closeEndNanos,
                         ConsoleCapture capture) {
        long origin = capture.qemuStartNanos();
        List<ConsoleLine> lines = capture.lines().stream()
                .map(l -> new ConsoleLine(l.nanos() / 1e6, l.text())).toList();
        Restore restore = report.restored() ? new Restore(ms(report.stateLoad()), ms(report.drivesAdded()),
                ms(report.resumeSent())) : null;
        return new PassRecord((launchNanos - origin) / 1e6, ms(report.qemuToHello()),
                (closeStartNanos - origin) / 1e6, (closeEndNanos - origin) / 1e6, lines, restore);
    }

    private static double ms(java.time.Duration d) {
        return d.toNanos() / 1e6;
    }

    /** Writes this pass in the capture format. */
    void write(Writer out) throws IOException {
        out.write(HEADER + "\n");
        out.write(String.format(Locale.ROOT, "launch %.3f\nhello %.3f\nshutdown %.3f %.3f\n", launchMs, helloMs,
                shutdownStartMs, shutdownEndMs));
        if (restore != null) {
            out.write(String.format(Locale.ROOT, "restore %.3f %.3f %.3f\n", restore.stateLoadedMs(),
                    restore.drivesAddedMs(), restore.resumeSentMs()));
        }
        for (ConsoleLine l : console) {
            out.write(String.format(Locale.ROOT, "console %.3f %s\n", l.hostMs(), l.text()));
        }
    }

    /**
     * Reads a pass in the capture format.
     *
     * @param source named in error messages
     * @throws IllegalArgumentException naming the source and line when the text is not a capture
     */
    static PassRecord parse(String source, String text) {
        Double launch = null;
        Double hello = null;
        Double shutdownStart = null;
        Double shutdownEnd = null;
        Restore restore = null;
        List<ConsoleLine> console = new ArrayList<>();
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER)) {
            throw new IllegalArgumentException(source + ": not a boot-analysis capture (no \"" + HEADER + "\" line)");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] f = line.split(" ", 3);
            try {
                switch (f[0]) {
                    case "launch" -> launch = Double.parseDouble(f[1]);
                    case "hello" -> hello = Double.parseDouble(f[1]);
                    case "shutdown" -> {
                        shutdownStart = Double.parseDouble(f[1]);
                        shutdownEnd = Double.parseDouble(f[2]);
                    }
                    case "restore" -> {
                        String[] t = line.split(" ");
                        restore = new Restore(Double.parseDouble(t[1]), Double.parseDouble(t[2]), Double.parseDouble(t[3]));
                    }
                    case "console" -> console.add(new ConsoleLine(Double.parseDouble(f[1]), f.length > 2 ? f[2] : ""));
                    case "" -> { }
                    default -> throw new IllegalArgumentException("unknown record \"" + f[0] + "\"");
                }
            } catch (RuntimeException e) {
                String why = e instanceof NumberFormatException || e instanceof ArrayIndexOutOfBoundsException
                        ? "bad number or missing field" : e.getMessage();
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + why, e);
            }
        }
        if (launch == null || hello == null || shutdownStart == null) {
            throw new IllegalArgumentException(source + ": incomplete capture (needs launch, hello and shutdown lines)");
        }
        return new PassRecord(launch, hello, shutdownStart, shutdownEnd, console, restore);
    }
}
