package io.jguest.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The daemon's command line.
 *
 * <pre>
 *   --stdio               frames on stdin/stdout instead of the virtio-serial port (tests)
 *   --sysroot DIR         where guest filesystems are mounted (default $JGUEST_SYSROOT or /sysroot)
 *   --poweroff-on-exit    reboot(2) when done (default with the virtio port)
 *   --no-poweroff         just exit when done (default with --stdio)
 *   --workers N           worker threads (default 8)
 *   --verbose             debug lines on stderr (also jguest.verbose=1 on the kernel command line)
 * </pre>
 */
public record DaemonOptions(boolean stdio, Path sysroot, boolean powerOff, int workers, boolean verbose) {
    public static final String USAGE = "usage: DaemonMain [--stdio] [--sysroot DIR] [--poweroff-on-exit|--no-poweroff]"
            + " [--workers N] [--verbose]";

    /**
     * @param cmdline the kernel command line (empty when not in the appliance)
     * @throws IllegalArgumentException on an unknown or incomplete option
     */
    public static DaemonOptions parse(List<String> args, Map<String, String> env, String cmdline) {
        boolean stdio = false;
        Boolean powerOff = null;
        String sysroot = env.getOrDefault("JGUEST_SYSROOT", "/sysroot");
        int workers = 8;
        boolean verbose = "1".equals(env.get("JGUEST_VERBOSE")) || (" " + cmdline.strip() + " ").contains(" jguest.verbose=1 ");
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--stdio" -> stdio = true;
                case "--sysroot" -> sysroot = value(args, ++i, a);
                case "--poweroff-on-exit" -> powerOff = true;
                case "--no-poweroff" -> powerOff = false;
                case "--workers" -> {
                    try {
                        workers = Integer.parseInt(value(args, ++i, a));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--workers needs a number");
                    }
                    if (workers < 1) {
                        throw new IllegalArgumentException("--workers must be at least 1");
                    }
                }
                case "--verbose", "-v" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new DaemonOptions(stdio, Path.of(sysroot), powerOff != null ? powerOff : !stdio, workers, verbose);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
