package io.jguest.cli.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process, told apart from a later one that reuses its pid by its start time (field 22 of
 * {@code /proc/PID/stat}, in clock ticks since boot).
 *
 * @param pid       the process id
 * @param startTime when it started, in clock ticks since boot
 */
record ProcessIdentity(long pid, long startTime) {
    /** This process. */
    static ProcessIdentity current() {
        return of(ProcessHandle.current().pid())
                .orElseThrow(() -> new IllegalStateException("/proc/self/stat is unreadable: is /proc mounted?"));
    }

    /** The running (not zombie) process {@code pid}, if there is one. */
    static Optional<ProcessIdentity> of(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException gone) {
            return Optional.empty();
        }
        return parseStat(pid, stat);
    }

    /** Parses {@code /proc/PID/stat}: the command (field 2) is in parentheses and may hold spaces. */
    static Optional<ProcessIdentity> parseStat(long pid, String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return Optional.empty();
        }
        String[] fields = stat.substring(close + 1).strip().split(" ");
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19]
        if (fields.length < 20 || fields[0].equals("Z") || fields[0].equals("X")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessIdentity(pid, Long.parseLong(fields[19])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True while this very process (same pid, same start time) runs. */
    boolean isAlive() {
        return of(pid).map(this::equals).orElse(false);
    }

    /** {@code PID:STARTTIME}, as stored in a registration. */
    String format() {
        return pid + ":" + startTime;
    }

    static ProcessIdentity parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected PID:STARTTIME, got '" + s + "'");
        }
        return new ProcessIdentity(Long.parseLong(s.substring(0, colon).strip()), Long.parseLong(s.substring(colon + 1).strip()));
    }
}
