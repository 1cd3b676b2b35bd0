package io.jguest.daemon;

import io.jguest.protocol.Hello;
import io.jguest.protocol.Wire;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the hello reports about the guest: uptimes and kernel release, read from procfs. */
public final class SystemInfo {
    private static final Path UPTIME = Path.of("/proc/uptime");
    private static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");
    private static final Path INIT_UPTIME = Path.of("/run/jguest/init-uptime-ms");

    private SystemInfo() {
    }

    /** Milliseconds since the kernel started ({@code /proc/uptime}), or 0 when unknown. */
    public static long uptimeMillis() {
        String text = read(UPTIME);
        return text.isEmpty() ? 0 : parseUptime(text);
    }

    /** The first field of {@code /proc/uptime} ("12.34 5.67") in milliseconds. */
    static long parseUptime(String text) {
        try {
            return new BigDecimal(text.strip().split("\\s+")[0]).movePointRight(3).longValue();
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Uptime in milliseconds when /init started, as the init wrote it; 0 when absent. */
    public static long initUptimeMillis() {
        try {
            return Long.parseLong(read(INIT_UPTIME));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static String kernelRelease() {
        String release = read(OSRELEASE);
        return release.isEmpty() ? System.getProperty("os.version", "unknown") : release;
    }

    /** The hello frame body for the current moment. */
    public static Hello hello(List<String> capabilities) {
        return new Hello(Wire.MAGIC, Wire.VERSION, List.copyOf(capabilities), Wire.MAX_FRAME, kernelRelease(),
                uptimeMillis(), initUptimeMillis());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
