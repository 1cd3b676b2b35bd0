package io.jguest.cli.bootanalysis;

import java.util.Arrays;
import java.util.List;

/**
 * Maps the kernel's printk clock onto the host's (ms since qemu started), from the console lines that
 * carry both: a line printed at printk time t reaches the host at h = t + offset(t) + delay, with a
 * delay of zero or more. Under TCG the guest's clock only ever falls behind the host's (it stands still
 * while the vCPUs do), so offset(t) never decreases, and offset(t) &lt;= h - t for every later line:
 * the estimate is the smallest (h - t) of the lines at or after t, which the first line to get through
 * promptly after t makes tight. (On the project machine the offset grows by 2 to 70 ms in the first
 * second of boot, then stays put: one constant offset would misplace early or late activities.)
 */
final class KernelClock {
    private final double[] printkMs;
    private final double[] suffixMinOffset;

    /** A kernel line's printk time and its arrival on the host, both ms. */
    record Sample(double printkMs, double hostMs) {
    }

    /** @param samples at least one */
    KernelClock(List<Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no kernel line to align the clocks with");
        }
        Sample[] s = samples.toArray(Sample[]::new);
        Arrays.sort(s, (a, b) -> Double.compare(a.printkMs(), b.printkMs()));
        printkMs = new double[s.length];
        suffixMinOffset = new double[s.length];
        double min = Double.POSITIVE_INFINITY;
        for (int i = s.length - 1; i >= 0; i--) {
            printkMs[i] = s[i].printkMs();
            min = Math.min(min, s[i].hostMs() - s[i].printkMs());
            suffixMinOffset[i] = min;
        }
    }

    /** The host time of printk time {@code t}. */
    double toHost(double t) {
        return t + offsetAt(t);
    }

    /** The offset at printk time {@code t}: host = printk + offset. */
    double offsetAt(double t) {
        int i = Arrays.binarySearch(printkMs, t);
        if (i < 0) {
            i = -i - 1;
        } else {
            while (i > 0 && printkMs[i - 1] == t) {
                i--;
            }
        }
        return i < printkMs.length ? suffixMinOffset[i] : suffixMinOffset[printkMs.length - 1];
    }

    /** The offset at the kernel's entry (printk time 0): where the kernel starts on the host clock. */
    double entryOffset() {
        return suffixMinOffset[0];
    }

    /** The offset after the last line. */
    double finalOffset() {
        return suffixMinOffset[printkMs.length - 1];
    }
}
