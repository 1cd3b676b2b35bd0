package io.jguest.cli.bootanalysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one {@link PassRecord} into its activities, all on the host's clock (ms since qemu start).
 *
 * <p>Sources, in the console of a launch with {@code initcall_debug printk.time=1 ignore_loglevel
 * jguest.analysis=1} on the kernel command line:
 * <ul>
 *   <li>kernel lines {@code [  1.234567] ...}: the printk clock starts near the kernel's entry and is
 *   mapped onto the host's by a {@link KernelClock}; kernel entry is printk time 0 on the host clock.</li>
 *   <li>{@code calling FN+0x0/0x41 [MOD] @ PID} / {@code initcall FN... returned R after N usecs}: one
 *   activity per initcall (printk times at both ends), and {@code probe of DEV returned R after N usecs}:
 *   one per driver probe; both are details (kept only when longer than 1 ms on average).</li>
 *   <li>a few kernel messages that bound phases: "Freeing SMP alternatives memory", "smp: Brought up",
 *   "Trying to unpack rootfs image", "Freeing initrd memory", the first "Freeing unused", and
 *   "Run /init as init process".</li>
 *   <li>the init scripts' markers {@code jguest: begin NAME} / {@code jguest: end NAME} (written to
 *   {@code /dev/kmsg}, so printk-timestamped): one activity per pair; {@code a:b} is a step of
 *   {@code a}, a name without a colon a step of the whole run; a step without its end marker (the
 *   background module loader, cut by the shutdown) ends when the shutdown begins.</li>
 *   <li>the daemon's {@code [jguest] daemon-start} line (its arrival time: the daemon's own uptime has
 *   10 ms steps and another clock), and the host's launch, hello and shutdown times.</li>
 * </ul>
 * A pass restored from the saved appliance ({@link PassRecord#restore()}) has none of these but the
 * host's times and the daemon's {@code [jguest] daemon-resumed} line: {@code restore} (qemu start →
 * hello) with {@code restore:load-state}, {@code restore:hot-plug}, {@code restore:cont+resume-call},
 * {@code restore:guest-resume} (→ the hello, or → the daemon-resumed line's arrival when it came
 * before the hello, and then {@code restore:hello-to-host}; it is printed right after the hello is
 * sent, and under TCG the serial console is a few ms slower than the channel, so it usually comes after).
 * Whatever is missing leaves its activity out with a note; parsing never fails.
 */
final class BootLogParser {
    static final String ROOT = "run";
    static final String KERNEL = "kernel";
    static final String RESTORE = "restore";

    private static final Pattern PRINTK = Pattern.compile("^\\[\\s*(\\d+)\\.(\\d{6})\\] ?(.*)$");
    private static final Pattern CALLING =
            Pattern.compile("^calling\\s+([^+\\s]+)\\+0x\\p{XDigit}+/0x\\p{XDigit}+(?: \\[([^]]+)])? @ (\\d+)$");
    private static final Pattern RETURNED = Pattern.compile(
            "^initcall ([^+\\s]+)\\+0x\\p{XDigit}+/0x\\p{XDigit}+(?: \\[([^]]+)])? returned -?\\d+ after \\d+ usecs$");
    private static final Pattern PROBE = Pattern.compile("^probe of (\\S+) returned -?\\d+ after (\\d+) usecs$");
    private static final Pattern MARKER = Pattern.compile("^jguest: (begin|end) (.+)$");
    private static final String DAEMON_START = "[jguest] daemon-start ";
    private static final String DAEMON_RESUMED = "[jguest] daemon-resumed ";
    private static final String RUN_INIT = "Run /init as init process";

    /** A kernel line: the host time its printk time maps to (ms), and its message. */
    private record KernelLine(double atMs, String text) {
    }

    /** An initcall or probe waiting for its parent; pid 0 for a probe. */
    private record Detail(String name, String module, int pid, double startMs, double endMs, boolean probe) {
    }

    /** A begun initcall. */
    private record Call(double startMs, int pid) {
    }

    private final List<Activity> activities = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final List<String> notes = new ArrayList<>();

    private BootLogParser() {
    }

    /** The activities of one pass. */
    static PassTimeline parse(PassRecord pass) {
        BootLogParser p = new BootLogParser();
        p.run(pass);
        return new PassTimeline(p.activities, p.notes);
    }

    /** The printk clock of this pass on the host's, or null without any kernel timestamp. */
    static KernelClock kernelClock(PassRecord pass) {
        List<KernelClock.Sample> samples = new ArrayList<>();
        for (PassRecord.ConsoleLine l : pass.console()) {
            Matcher m = PRINTK.matcher(l.text());
            if (m.matches()) {
                samples.add(new KernelClock.Sample(printkMs(m), l.hostMs()));
            }
        }
        return samples.isEmpty() ? null : new KernelClock(samples);
    }

    private static double printkMs(Matcher m) {
        return Long.parseLong(m.group(1)) * 1000.0 + Long.parseLong(m.group(2)) / 1000.0;
    }

    private static List<KernelLine> kernelLines(PassRecord pass, KernelClock clock) {
        List<KernelLine> out = new ArrayList<>();
        if (clock == null) {
            return out;
        }
        for (PassRecord.ConsoleLine l : pass.console()) {
            Matcher m = PRINTK.matcher(l.text());
            if (m.matches()) {
                out.add(new KernelLine(clock.toHost(printkMs(m)), m.group(3)));
            }
        }
        return out;
    }

    private void run(PassRecord pass) {
        add(ROOT, null, pass.launchMs(), pass.shutdownEndMs(), false);
        add("host:launch", ROOT, pass.launchMs(), 0, false);
        if (pass.restore() != null) {
            restored(pass, pass.restore());
            return;
        }

        KernelClock clock = kernelClock(pass);
        List<KernelLine> kernel = kernelLines(pass, clock);
        double offset = clock == null ? Double.NaN : clock.entryOffset();
        if (kernel.isEmpty()) {
            note("no kernel timestamps on the console (printk.time=1 missing?): kernel, initcalls and init steps left out");
        } else if (offset < 0) {
            note(String.format(java.util.Locale.ROOT, "the kernel clock runs %.1f ms ahead of qemu's start: kernel"
                    + " activities left out", -offset));
            kernel = List.of();
        } else {
            add("qemu+bios", ROOT, 0, offset, false);
        }
        Map<String, Double> milestones = milestones(kernel);
        Double runInit = milestones.get(RUN_INIT);
        if (!kernel.isEmpty()) {
            kernelPhases(offset, milestones);
        }
        Map<String, Double> begins = markers(kernel, runInit, pass.shutdownStartMs());
        initcallsAndProbes(kernel, runInit);

        Double daemonStart = null;
        for (PassRecord.ConsoleLine l : pass.console()) {
            if (l.text().startsWith(DAEMON_START)) {
                daemonStart = l.hostMs();
                break;
            }
        }
        Double javaStart = begins.get("java");
        if (javaStart == null) {
            note("java: no \"jguest: begin java\" marker: the JVM's start is left out");
        } else if (pass.helloMs() >= javaStart) {
            add("java", ROOT, javaStart, pass.helloMs(), false);
            if (daemonStart != null && daemonStart >= javaStart && daemonStart <= pass.helloMs()) {
                add("java:jvm-to-main", "java", javaStart, daemonStart, false);
                add("java:main-to-hello", "java", daemonStart, pass.helloMs(), false);
            } else {
                note("java: no \"[jguest] daemon-start\" line before the hello: the JVM's steps are left out");
            }
        }
        if (pass.shutdownEndMs() >= pass.shutdownStartMs()) {
            add("shutdown", ROOT, pass.shutdownStartMs(), pass.shutdownEndMs(), false);
        }
        reparentOrphans();
    }

    /**
     * A launch restored from the saved appliance: no kernel, init or JVM start, only the host's steps
     * of the restore and the daemon's {@code daemon-resumed} line. The guest's uptime stood still while
     * the state was saved, and its console line has the marker's arrival time only: it is printed right
     * after the hello is sent, so it splits the time from the resume to the hello into the guest's work
     * and the hello's way to the host (when it arrived before the hello; else it is left out).
     */
    private void restored(PassRecord pass, PassRecord.Restore r) {
        double hello = pass.helloMs();
        add(RESTORE, ROOT, 0, hello, false);
        add(RESTORE + ":load-state", RESTORE, 0, r.stateLoadedMs(), false);
        add(RESTORE + ":hot-plug", RESTORE, r.stateLoadedMs(), r.drivesAddedMs(), false);
        add(RESTORE + ":cont+resume-call", RESTORE, r.drivesAddedMs(), r.resumeSentMs(), false);
        Double resumed = null;
        for (PassRecord.ConsoleLine l : pass.console()) {
            if (l.text().startsWith(DAEMON_RESUMED)) {
                resumed = l.hostMs();
                break;
            }
        }
        if (resumed == null) {
            note("no \"" + DAEMON_RESUMED.strip() + "\" line: the guest's resume is not split from the hello");
            add(RESTORE + ":guest-resume", RESTORE, r.resumeSentMs(), hello, false);
        } else if (resumed < r.resumeSentMs() || resumed > hello) {
            // usual: the line is printed after the hello is sent, and the console is slower than the channel
            note("the \"" + DAEMON_RESUMED.strip() + "\" line arrived " + (resumed < r.resumeSentMs()
                    ? "before the resume was sent" : "after the hello") + ": the guest's resume ends at the hello");
            add(RESTORE + ":guest-resume", RESTORE, r.resumeSentMs(), hello, false);
        } else {
            add(RESTORE + ":guest-resume", RESTORE, r.resumeSentMs(), resumed, false);
            add(RESTORE + ":hello-to-host", RESTORE, resumed, hello, false);
        }
        if (pass.shutdownEndMs() >= pass.shutdownStartMs()) {
            add("shutdown", ROOT, pass.shutdownStartMs(), pass.shutdownEndMs(), false);
        }
    }

    /** The first host time of each kernel message that bounds a phase. */
    private static Map<String, Double> milestones(List<KernelLine> kernel) {
        Map<String, Double> at = new HashMap<>();
        List<String> wanted = List.of("Freeing SMP alternatives memory", "smp: Brought up",
                "Trying to unpack rootfs image", "Freeing initrd memory", "Freeing unused ", RUN_INIT);
        for (KernelLine k : kernel) {
            for (String w : wanted) {
                if (k.text().startsWith(w)) {
                    at.putIfAbsent(w, k.atMs());
                }
            }
        }
        return at;
    }

    private void kernelPhases(double entry, Map<String, Double> at) {
        Double runInit = at.get(RUN_INIT);
        if (runInit == null) {
            note("kernel: no \"" + RUN_INIT + "\" line: the kernel's end and /init are left out");
            return;
        }
        add(KERNEL, ROOT, entry, runInit, false);
        span("kernel:early", entry, at.get("Freeing SMP alternatives memory"), "\"Freeing SMP alternatives memory\"");
        span("kernel:smp-boot", at.get("Freeing SMP alternatives memory"), at.get("smp: Brought up"),
                "\"smp: Brought up\"");
        span("kernel:initramfs", at.get("Trying to unpack rootfs image"), at.get("Freeing initrd memory"),
                "\"Trying to unpack rootfs image\"/\"Freeing initrd memory\"");
        span("kernel:free-initmem", at.get("Freeing unused "), runInit, "\"Freeing unused ...\"");
    }

    private void span(String name, Double start, Double end, String missing) {
        if (start == null || end == null || end < start) {
            note(name + ": no " + missing + " line: left out");
        } else {
            add(name, KERNEL, start, end, false);
        }
    }

    /**
     * The init scripts' begin/end pairs, and /init itself. A step still running when the shutdown began
     * (the background module loader, usually) ends there, with a note. Returns the unmatched begins.
     */
    private Map<String, Double> markers(List<KernelLine> kernel, Double runInit, double shutdownStart) {
        Map<String, Deque<Double>> open = new LinkedHashMap<>();
        boolean any = false;
        for (KernelLine k : kernel) {
            Matcher m = MARKER.matcher(k.text());
            if (!m.matches()) {
                continue;
            }
            any = true;
            String name = m.group(2).strip();
            double t = k.atMs();
            if (m.group(1).equals("begin")) {
                open.computeIfAbsent(name, n -> new ArrayDeque<>()).push(t);
            } else {
                Deque<Double> starts = open.get(name);
                if (starts == null || starts.isEmpty()) {
                    note(name + ": an end marker without a begin: left out");
                } else {
                    add(name, parentOf(name), starts.pop(), t, false);
                }
            }
        }
        if (!kernel.isEmpty() && !any) {
            note("no \"jguest: begin/end\" markers (jguest.analysis=1 missing, or an appliance built before it):"
                    + " init steps left out");
        }
        Map<String, Double> unmatched = new HashMap<>();
        open.forEach((name, starts) -> {
            if (!starts.isEmpty()) {
                double start = starts.peekLast();
                unmatched.put(name, start);
                if (name.equals("java")) {
                    return; // ends at the hello
                }
                if (start <= shutdownStart) {
                    add(name, parentOf(name), start, shutdownStart, false);
                    note(name + ": still running when the shutdown began: cut there");
                } else {
                    note(name + ": no end marker: left out");
                }
            }
        });
        if (runInit != null) {
            Double firstStep = firstStart("/init:");
            Double end = endOf("/init:switch-root");
            if (firstStep != null) {
                add("/init:mount-special", "/init", runInit, firstStep, false);
            }
            if (end != null) {
                add("/init", ROOT, runInit, end, false);
            } else if (any) {
                note("/init: no \"jguest: end /init:switch-root\" marker: left out");
            }
        }
        return unmatched;
    }

    /** Initcalls (children of the insmod that ran them, or of the kernel phase they started in) and probes. */
    private void initcallsAndProbes(List<KernelLine> kernel, Double runInit) {
        Map<String, Deque<Call>> calling = new HashMap<>();
        List<Detail> details = new ArrayList<>();
        boolean any = false;
        for (KernelLine k : kernel) {
            double t = k.atMs();
            Matcher m = CALLING.matcher(k.text());
            if (m.matches()) {
                any = true;
                calling.computeIfAbsent(key(m.group(1), m.group(2)), x -> new ArrayDeque<>())
                        .push(new Call(t, Integer.parseInt(m.group(3))));
                continue;
            }
            m = RETURNED.matcher(k.text());
            if (m.matches()) {
                Deque<Call> starts = calling.get(key(m.group(1), m.group(2)));
                if (starts != null && !starts.isEmpty()) {
                    Call c = starts.pop();
                    details.add(new Detail("initcall " + key(m.group(1), m.group(2)), m.group(2), c.pid(), c.startMs(), t,
                            false));
                }
                continue;
            }
            m = PROBE.matcher(k.text());
            if (m.matches()) {
                double us = Long.parseLong(m.group(2));
                details.add(new Detail("probe " + m.group(1), null, 0, Math.max(0, t - us / 1000), t, true));
            }
        }
        if (!kernel.isEmpty() && !any) {
            note("no initcall lines (initcall_debug and ignore_loglevel missing?): initcalls left out");
        }
        if (runInit != null) {
            // do_initcalls: pid 1's built-in initcalls before /init (the earliest ones run as pid 0)
            List<Detail> builtIn = details.stream()
                    .filter(d -> !d.probe() && d.module() == null && d.pid() == 1 && d.endMs() <= runInit).toList();
            if (!builtIn.isEmpty()) {
                add("kernel:initcalls", KERNEL, builtIn.stream().mapToDouble(Detail::startMs).min().orElseThrow(),
                        builtIn.stream().mapToDouble(Detail::endMs).max().orElseThrow(), false);
            }
        }
        Map<String, String> insmodOf = new HashMap<>();
        for (Activity a : activities) {
            int i = a.name().lastIndexOf(":insmod ");
            if (i >= 0) {
                insmodOf.putIfAbsent(a.name().substring(i + ":insmod ".length()), a.name());
            }
        }
        List<Activity> initcalls = new ArrayList<>();
        for (Detail d : details) {
            if (d.probe()) {
                continue;
            }
            String parent = d.module() != null ? insmodOf.getOrDefault(d.module(), "modules")
                    : innermost(d.startMs(), d.startMs(), List.of("kernel:early", "kernel:smp-boot", "kernel:initcalls"),
                            runInit != null && d.startMs() < runInit ? KERNEL : ROOT);
            Activity a = add(d.name(), parent, d.startMs(), d.endMs(), true);
            if (a != null) {
                initcalls.add(a);
            }
        }
        for (Detail d : details) {
            if (d.probe()) {
                String parent = null;
                double best = Double.MAX_VALUE;
                for (Activity a : initcalls) {
                    if (a.startMs() <= d.startMs() && d.endMs() <= a.endMs() && a.durationMs() < best) {
                        parent = a.name();
                        best = a.durationMs();
                    }
                }
                if (parent == null) {
                    parent = runInit != null && d.endMs() < runInit ? KERNEL : ROOT;
                }
                add(d.name(), parent, d.startMs(), d.endMs(), true);
            }
        }
    }

    /** The shortest of the named activities that spans start..end, else {@code otherwise}. */
    private String innermost(double start, double end, List<String> candidates, String otherwise) {
        String found = otherwise;
        double best = Double.MAX_VALUE;
        for (Activity a : activities) {
            if (candidates.contains(a.name()) && a.startMs() <= start && end <= a.endMs() && a.durationMs() < best) {
                found = a.name();
                best = a.durationMs();
            }
        }
        return found;
    }

    private static String key(String function, String module) {
        return module == null ? function : function + " [" + module + "]";
    }

    private Double firstStart(String prefix) {
        return activities.stream().filter(a -> a.name().startsWith(prefix)).map(Activity::startMs)
                .min(Double::compare).orElse(null);
    }

    private Double endOf(String name) {
        return activities.stream().filter(a -> a.name().equals(name)).map(Activity::endMs).findFirst().orElse(null);
    }

    /** {@code a:b} is a step of {@code a}; a name without a colon, of the run. */
    static String parentOf(String name) {
        int colon = name.lastIndexOf(':');
        return colon > 0 ? name.substring(0, colon) : ROOT;
    }

    /** An activity whose parent was left out in this pass hangs from the parent's parent, or the run. */
    private void reparentOrphans() {
        Map<String, Activity> byName = new HashMap<>();
        activities.forEach(a -> byName.put(a.name(), a));
        for (int i = 0; i < activities.size(); i++) {
            Activity a = activities.get(i);
            String p = a.parent();
            while (p != null && !byName.containsKey(p)) {
                p = p.equals(ROOT) ? null : parentOf(p);
            }
            if (a.parent() != null && !java.util.Objects.equals(p, a.parent())) {
                activities.set(i, new Activity(a.name(), p == null ? ROOT : p, a.startMs(), a.endMs(), a.detail()));
            }
        }
    }

    private Activity add(String name, String parent, double start, double end, boolean detail) {
        String unique = name;
        for (int n = 2; names.contains(unique); n++) {
            unique = name + " #" + n;
        }
        if (end < start) {
            note(unique + ": ends before it starts (clock jump?): left out");
            return null;
        }
        names.add(unique);
        Activity a = new Activity(unique, parent, start, end, detail);
        activities.add(a);
        return a;
    }

    private void note(String text) {
        notes.add(text);
    }
}
