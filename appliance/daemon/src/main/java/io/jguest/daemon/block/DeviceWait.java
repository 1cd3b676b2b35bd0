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
 * {@code jguest.drives=N} disks of the command line (or the count a restore announced,
 * {@link #expectDrives}) with their partitions scanned, and the init has loaded every module
 * ({@code /run/jguest/modules.done}) or, for a mount, the filesystem's module
 * ({@code /run/jguest/module/NAME}). Without a drive count (not in the appliance) it does not wait.
 */
public final class DeviceWait {
    private static final Pattern DRIVES = Pattern.compile("(?:^|\\s)jguest\\.drives=(\\d+)(?:\\s|$)");
    private static final long POLL_MS = 20;
    /** Read-ahead of every disk: the protocol's largest read (4 MiB), so a sequential read is one request ahead. */
    static final int READ_AHEAD_KB = 4096;
    /** {@link #expected}: take the count from the kernel command line. */
    private static final int FROM_CMDLINE = -2;

    private final Path cmdline;
    private final Path modulesDone;
    private final SysBlock sysBlock;
    private final Duration timeout;
    private final Path moduleDir;
    /** Where the disks' device nodes are (opened to wait for their partition scan), or null. */
    private final Path dev;
    private int expected = FROM_CMDLINE;
    /** {@link #none()}: never waits, whatever it is told. */
    private boolean never;
    /** Not in the appliance: nothing to wait for. */
    private boolean outside;
    private boolean disksDone;
    /** {@link #awaitExactly}: the disk count must equal {@link #expected}, not just reach it. */
    private boolean exact;
    private boolean modulesWaited;

    DeviceWait(Path cmdline, Path modulesDone, SysBlock sysBlock, Duration timeout) {
        this(cmdline, modulesDone, sysBlock, timeout, Path.of("/lib/modules/extra"), null);
    }

    DeviceWait(Path cmdline, Path modulesDone, SysBlock sysBlock, Duration timeout, Path moduleDir) {
        this(cmdline, modulesDone, sysBlock, timeout, moduleDir, null);
    }

    DeviceWait(Path cmdline, Path modulesDone, SysBlock sysBlock, Duration timeout, Path moduleDir, Path dev) {
        this.moduleDir = moduleDir;
        this.cmdline = cmdline;
        this.modulesDone = modulesDone;
        this.sysBlock = sysBlock;
        this.timeout = timeout;
        this.dev = dev;
    }

    /** The appliance's paths with a 15 s bound. */
    public static DeviceWait appliance() {
        return new DeviceWait(Path.of("/proc/cmdline"), Path.of("/run/jguest/modules.done"),
                new SysBlock(Path.of("/sys/block")), Duration.ofSeconds(15), Path.of("/lib/modules/extra"), Path.of("/dev"));
    }

    /** A wait on other files (the AOT training run fakes them on the build host). */
    public static DeviceWait of(Path cmdline, Path modulesDone, Path sysBlock, Duration timeout) {
        return new DeviceWait(cmdline, modulesDone, new SysBlock(sysBlock), timeout);
    }

    /** A wait that never waits (tests, and hosts that are not the appliance). */
    public static DeviceWait none() {
        DeviceWait wait = new DeviceWait(Path.of("/nonexistent"), Path.of("/nonexistent"), new SysBlock(Path.of("/nonexistent")),
                Duration.ZERO);
        wait.never = true;
        wait.outside = true;
        wait.disksDone = true;
        wait.modulesWaited = true;
        return wait;
    }

    /**
     * From now on, expect {@code drives} disks instead of the command line's count, and wait for them
     * again before the next block call: a restored appliance gets its disks by hot-plug.
     */
    public synchronized void expectDrives(int drives) {
        if (never) {
            return;
        }
        expected = drives;
        outside = false;
        disksDone = false;
    }

    /**
     * From now on expect exactly {@code drives} disks, and wait (bounded) for that: after the host
     * hot-plugged or unplugged one (a removed disk leaves {@code /sys/block} once the kernel has
     * processed the removal, so the next disk gets its name back).
     *
     * @return false when the disks did not match within the bound
     */
    public synchronized boolean awaitExactly(int drives) {
        if (never) {
            return true;
        }
        expected = drives;
        outside = false;
        disksDone = false;
        exact = true;
        return awaitDisksMatched();
    }

    /** Blocks until ready or the bound has passed (then logs and carries on); later calls return at once. */
    public synchronized void await() {
        awaitDisks();
        if (outside || modulesWaited) {
            return;
        }
        modulesWaited = true;
        if (!waitFor(() -> Files.exists(modulesDone), System.nanoTime() + timeout.toNanos())) {
            Log.warn("modules still loading after " + timeout.toSeconds() + " s (" + modulesDone + " missing)");
        }
    }

    /**
     * Waits for the disks only: listing devices, partitions and filesystems (blkid reads them from
     * user space) needs no module of the background list. Once the disks are there, each is opened
     * once: the kernel shows a disk in {@code /sys/block} before it has scanned its partition table,
     * and an open waits for that scan (it holds the disk's open lock) or does it.
     */
    public synchronized void awaitDisks() {
        awaitDisksMatched();
    }

    private boolean awaitDisksMatched() {
        if (disksDone) {
            return true;
        }
        disksDone = true;
        int drives = expected != FROM_CMDLINE ? expected : expectedDrives(readCmdline());
        if (drives < 0) {
            outside = true;
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean exactly = exact;
        if (!waitFor(() -> exactly ? sysBlock.disks().size() == drives : sysBlock.disks().size() >= drives, deadline)) {
            Log.warn("expected " + drives + " disks, found " + sysBlock.disks() + " after " + timeout.toSeconds() + " s");
            return false;
        }
        if (dev != null) {
            for (String disk : sysBlock.disks()) {
                Path node = dev.resolve(disk);
                if (!waitFor(() -> opens(node), deadline)) {
                    Log.warn("cannot open " + node + " after " + timeout.toSeconds() + " s");
                }
                if (!sysBlock.setReadAheadKb(disk, READ_AHEAD_KB)) {
                    Log.warn("cannot set the read-ahead of " + disk);
                }
            }
        }
        return true;
    }

    /** Whether {@code node} can be opened for reading (a disk being added gives ENXIO until it can). */
    private static boolean opens(Path node) {
        try (var ch = java.nio.channels.FileChannel.open(node, java.nio.file.StandardOpenOption.READ)) {
            return true;
        } catch (IOException e) {
            return false;
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
            if (outside || modulesWaited) {
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
