package io.jguest.daemon.block;

import io.jguest.daemon.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waits, once and bounded, until the appliance is ready for block-device calls: the kernel shows the
 * {@code jguest.drives=N} disks of the command line, and the init has loaded every module
 * ({@code /run/jguest/modules.done}) or, for a mount, the filesystem's module
 * ({@code /run/jguest/module/NAME}). Without {@code jguest.drives} (not in the appliance) it does not wait.
 */
public final class DeviceWait {
    private static final Pattern DRIVES = Pattern.compile("(?:^|\\s)jguest\\.drives=(\\d+)(?:\\s|$)");
    private static final long POLL_MS = 20;

    private final Path cmdline;
    private final Path modulesDone;
    private final SysBlock sysBlock;
    private final Duration timeout;
    private final Path moduleDir;
    private boolean done;
    private boolean disksDone;

    DeviceWait(Path cmdline, Path modulesDone, SysBlock sysBlock, Duration timeout) {
        this(cmdline, modulesDone, sysBlock, timeout, Path.of("/lib/modules/extra"));
    }

    DeviceWait(Path cmdline, Path modulesDone, SysBlock sysBlock, Duration timeout, Path moduleDir) {
        this.moduleDir = moduleDir;
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
        awaitDisks();
        if (done) {
            return; // not in the appliance
        }
        done = true;
        if (!waitFor(() -> Files.exists(modulesDone), System.nanoTime() + timeout.toNanos())) {
            Log.warn("modules still loading after " + timeout.toSeconds() + " s (" + modulesDone + " missing)");
        }
    }

    /**
     * Waits for the disks only: listing devices, partitions and filesystems (blkid reads them from
     * user space) needs no module of the background list.
     */
    public synchronized void awaitDisks() {
        if (done || disksDone) {
            return;
        }
        disksDone = true;
        int drives = expectedDrives(readCmdline());
        if (drives < 0) {
            done = true;
            return;
        }
        if (!waitFor(() -> sysBlock.disks().size() >= drives, System.nanoTime() + timeout.toNanos())) {
            Log.warn("expected " + drives + " disks, found " + sysBlock.disks() + " after " + timeout.toSeconds() + " s");
        }
    }

    /**
     * Waits for the disks and for what mounting a filesystem of {@code fstype} needs: its module's
     * marker ({@code /run/jguest/module/NAME}, written by the init after loading it; the modules are
     * loaded in dependency order) when the appliance has such a module; every module when the type
     * is unknown.
     */
    public void awaitFilesystem(String fstype) {
        awaitDisks();
        synchronized (this) {
            if (done) {
                return;
            }
        }
        String module = fstype == null ? null : switch (fstype) {
            // these load codepage modules (nls_*) at mount time, which are not in their dependencies:
            // wait for every module rather than race the background loader
            case "vfat", "msdos", "exfat", "iso9660", "udf" -> null;
            case "ntfs", "ntfs-3g", "fuseblk" -> "fuse";
            default -> fstype.replace('-', '_');
        };
        if (module == null) {
            await(); // unknown type (mount may try every filesystem) or one that needs codepages
            return;
        }
        if (!Files.exists(moduleDir.resolve(module + ".ko"))) {
            return; // built in, loaded at boot, or absent: waiting would not change anything
        }
        Path marker = modulesDone.resolveSibling("module").resolve(module);
        if (!waitFor(() -> Files.exists(marker) || Files.exists(modulesDone), System.nanoTime() + timeout.toNanos())) {
            Log.warn("module " + module + " still loading after " + timeout.toSeconds() + " s");
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
