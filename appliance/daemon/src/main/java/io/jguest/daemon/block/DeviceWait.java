package io.jguest.daemon.block;

import io.jguest.daemon.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waits, once and bounded, until the appliance is ready for block-device calls: the init has loaded
 * every module ({@code /run/jguest/modules.done}) and the kernel shows the {@code jguest.drives=N}
 * disks of the command line. Without {@code jguest.drives} (not in the appliance) it does not wait.
 */
public final class DeviceWait {
    private static final Pattern DRIVES = Pattern.compile("(?:^|\\s)jguest\\.drives=(\\d+)(?:\\s|$)");
    private static final long POLL_MS = 20;

    private final Path cmdline;
    private final Path modulesDone;
    private final SysBlock sysBlock;
    private final Duration timeout;
    private boolean done;

    DeviceWait(Path cmdline, Path modulesDone, SysBlock sysBlock, Duration timeout) {
        this.cmdline = cmdline;
        this.modulesDone = modulesDone;
        this.sysBlock = sysBlock;
        this.timeout = timeout;
    }

    /** The appliance's paths with a 15 s bound. */
    public static DeviceWait appliance() {
        return new DeviceWait(Path.of("/proc/cmdline"), Path.of("/run/jguest/modules.done"),
                new SysBlock(Path.of("/sys/block")), Duration.ofSeconds(15));
    }

    /** A wait on other files (the AOT training run fakes them on the build host). */
    public static DeviceWait of(Path cmdline, Path modulesDone, Path sysBlock, Duration timeout) {
        return new DeviceWait(cmdline, modulesDone, new SysBlock(sysBlock), timeout);
    }

    /** A wait that never waits (tests, and hosts that are not the appliance). */
    public static DeviceWait none() {
        DeviceWait wait = new DeviceWait(Path.of("/nonexistent"), Path.of("/nonexistent"), new SysBlock(Path.of("/nonexistent")),
                Duration.ZERO);
        wait.done = true;
        return wait;
    }

    /** Blocks until ready or the bound has passed (then logs and carries on); later calls return at once. */
    public synchronized void await() {
        if (done) {
            return;
        }
        done = true;
        int drives = expectedDrives(readCmdline());
        if (drives < 0) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean modules = waitFor(() -> Files.exists(modulesDone), deadline);
        boolean disks = waitFor(() -> sysBlock.disks().size() >= drives, deadline);
        if (!modules) {
            Log.warn("modules still loading after " + timeout.toSeconds() + " s (" + modulesDone + " missing)");
        }
        if (!disks) {
            Log.warn("expected " + drives + " disks, found " + sysBlock.disks() + " after " + timeout.toSeconds() + " s");
        }
    }

    private String readCmdline() {
        try {
            return Files.readString(cmdline);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code N} of {@code jguest.drives=N}, or -1 when absent. */
    static int expectedDrives(String cmdline) {
        Matcher m = DRIVES.matcher(cmdline.strip());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, long deadline) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
