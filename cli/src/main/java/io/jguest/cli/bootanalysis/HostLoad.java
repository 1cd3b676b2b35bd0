package io.jguest.cli.bootanalysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How much CPU the rest of the host used while a pass ran: the host's busy time ({@code /proc/stat})
 * minus this process's own and that of its waited-for children ({@code /proc/self/stat}: utime, stime,
 * cutime, cstime; qemu's time reaches cutime once its watchdog shell has reaped it and the JVM has
 * reaped the watchdog, that is once {@code Guest.close} has returned). Timings under TCG on a 2-core
 * host are only worth something when this is near zero. Linux only; elsewhere there is no sample.
 */
final class HostLoad {
    /** Linux's USER_HZ, the unit of both files (100 on every architecture jguest runs on). */
    private static final double TICKS_PER_SECOND = 100;

    /** Busy ticks of the whole host and ticks of this process with its reaped children. */
    record Sample(long hostBusyTicks, long ownTicks) {
        /** CPU seconds used by other processes between {@code earlier} and this sample. */
        double othersSecondsSince(Sample earlier) {
            long others = (hostBusyTicks - earlier.hostBusyTicks) - (ownTicks - earlier.ownTicks);
            return Math.max(0, others) / TICKS_PER_SECOND;
        }
    }

    private HostLoad() {
    }

    static Optional<Sample> sample() {
        try {
            return Optional.of(new Sample(hostBusy(Files.readString(Path.of("/proc/stat"))),
                    own(Files.readString(Path.of("/proc/self/stat")))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code cpu user nice system idle iowait irq softirq steal ...}: all but idle and iowait. */
    static long hostBusy(String procStat) {
        String[] f = procStat.lines().findFirst().orElseThrow().trim().split("\\s+");
        if (!f[0].equals("cpu")) {
            throw new IllegalArgumentException("no cpu line in /proc/stat");
        }
        long busy = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy;
    }

    /** utime + stime + cutime + cstime: fields 14 to 17, counted after the command's closing parenthesis. */
    static long own(String selfStat) {
        String[] f = selfStat.substring(selfStat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state)
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
