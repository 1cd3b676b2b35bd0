package io.jguest.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmark ran on.
 *
 * @param hostname host name
 * @param cpuModel first {@code model name} in {@code /proc/cpuinfo}, or {@code unknown}
 * @param cpus     processors available to the JVM
 * @param memory   {@code MemTotal} from {@code /proc/meminfo}, or {@code unknown}
 */
public record HostInfo(String hostname, String cpuModel, int cpus, String memory) {
    public static HostInfo current() {
        return new HostInfo(localHostname(), field(Path.of("/proc/cpuinfo"), "model name"),
                Runtime.getRuntime().availableProcessors(), field(Path.of("/proc/meminfo"), "MemTotal"));
    }

    public String describe() {
        return hostname + ", " + cpuModel + ", " + cpus + " CPUs, " + memory + " RAM";
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown";
        }
    }

    static String field(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return line.substring(colon + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: say so in the report
        }
        return "unknown";
    }
}
