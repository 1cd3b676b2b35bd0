package io.jguest.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Mean and sample standard deviation of a series of durations, in milliseconds.
 *
 * @param meanMs mean
 * @param sdMs   sample standard deviation (0 for fewer than two samples)
 * @param count  number of samples
 */
public record Stats(double meanMs, double sdMs, int count) {
    public static Stats of(List<Duration> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        double[] ms = samples.stream().mapToDouble(d -> d.toNanos() / 1e6).toArray();
        double mean = 0;
        for (double v : ms) {
            mean += v;
        }
        mean /= ms.length;
        double sq = 0;
        for (double v : ms) {
            sq += (v - mean) * (v - mean);
        }
        double sd = ms.length > 1 ? Math.sqrt(sq / (ms.length - 1)) : 0;
        return new Stats(mean, sd, ms.length);
    }

    /** {@code 1234.5ms ±6.7ms}, the format of libguestfs's boot-benchmark. */
    public String format() {
        return String.format(Locale.ROOT, "%.1fms ±%.1fms", meanMs, sdMs);
    }
}
