package io.jguest.daemon;

import java.io.PrintStream;

/**
 * The daemon's logger: one line per message on stderr, which is the VM console. Debug lines only
 * when verbose ({@code jguest.verbose=1} on the kernel command line or {@code --verbose}).
 */
public final class Log {
    private static final String PREFIX = "[jguest] ";
    private static volatile boolean verbose;
    private static volatile PrintStream out = System.err;

    private Log() {
    }

    public static void setVerbose(boolean on) {
        verbose = on;
    }

    public static boolean isVerbose() {
        return verbose;
    }

    /** A console marker line exactly as given ({@code [jguest] daemon-ready uptime-ms=N}). */
    public static void marker(String text) {
        out.println(PREFIX + text);
    }

    public static void info(String message) {
        out.println(PREFIX + "daemon: " + message);
    }

    public static void warn(String message) {
        out.println(PREFIX + "daemon: warning: " + message);
    }

    public static void error(String message, Throwable t) {
        out.println(PREFIX + "daemon: error: " + message + (t == null ? "" : ": " + t));
        if (t != null && verbose) {
            t.printStackTrace(out);
        }
    }

    public static void debug(String message) {
        if (verbose) {
            out.println(PREFIX + "daemon: " + message);
        }
    }
}
