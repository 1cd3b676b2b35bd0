package io.jguest.daemon.block;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import io.jguest.api.MountInfo;
import io.jguest.daemon.Log;
import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Mounting with the system tools ({@code mount}; {@code ntfs-3g} for NTFS, else the kernel's
 * {@code ntfs3}) and unmounting everything under the sysroot, deepest first, as
 * {@code /proc/self/mountinfo} lists it. Remembers what it mounted. Thread-safe.
 */
final class MountTable {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int EBUSY = 16;

    /** One successful mount. */
    record Mounted(String device, String mountpoint, Path target, String fstype) {
    }

    private final CommandRunner runner;
    private final Path mountinfo;
    private final List<Mounted> mounted = new ArrayList<>();

    MountTable(CommandRunner runner, Path mountinfo) {
        this.runner = runner;
        this.mountinfo = mountinfo;
    }

    /** The command that mounts {@code device} on {@code target}. */
    List<String> command(String device, Path target, String options, String fstype) {
        List<String> argv = new ArrayList<>();
        String type = fstype;
        if (isNtfs(fstype)) {
            String ntfs3g = runner.find("ntfs-3g") != null ? "ntfs-3g"
                    : runner.find("mount.ntfs-3g") != null ? "mount.ntfs-3g" : null;
            if (ntfs3g != null) {
                argv.add(ntfs3g);
            } else {
                type = "ntfs3"; // no ntfs-3g in the appliance: the kernel driver
            }
        }
        if (argv.isEmpty()) {
            argv.add("mount");
            if (type != null && !type.isBlank()) {
                argv.add("-t");
                argv.add(type);
            }
        }
        if (options != null && !options.isBlank()) {
            argv.add("-o");
            argv.add(options);
        }
        argv.add(device);
        argv.add(target.toString());
        return argv;
    }

    static boolean isNtfs(String fstype) {
        return "ntfs".equals(fstype) || "ntfs-3g".equals(fstype);
    }

    void mount(String device, String mountpoint, Path target, String options, String fstype) throws GuestFsException {
        List<String> argv = command(device, target, options, fstype);
        CommandResult result = runner.run(argv, TIMEOUT);
        if (!result.succeeded()) {
            throw new GuestFsException(Errno.EINVAL, device, argv.getFirst() + ": " + result.errorText());
        }
        synchronized (mounted) {
            mounted.add(new Mounted(device, mountpoint, target, fstype));
        }
        Log.info("mounted " + device + " on " + mountpoint + (fstype == null ? "" : " (" + fstype + ")"));
    }

    /** Unmounts {@code target}, mounted by {@link #mount}, and forgets it. */
    void unmount(Path target) throws GuestFsException {
        try {
            umount(target.toString());
        } catch (PosixException e) {
            throw new GuestFsException(e.errno(), target.toString(), "umount: " + e.getMessage(), e);
        } finally {
            synchronized (mounted) {
                mounted.removeIf(m -> m.target().equals(target));
            }
        }
    }

    List<Mounted> mounted() {
        synchronized (mounted) {
            return List.copyOf(mounted);
        }
    }

    /**
     * Unmounts everything at or below {@code root}, the last mounted first. Tries every mount point
     * and reports the first failure.
     */
    synchronized void umountAll(Path root) throws GuestFsException {
        GuestFsException first = null;
        for (String mp : mountPointsUnder(readMountinfo(), root.toString())) {
            try {
                umount(mp);
            } catch (PosixException e) {
                Log.warn("umount " + mp + ": " + e.getMessage());
                if (first == null) {
                    first = new GuestFsException(e.errno(), mp, "umount: " + e.getMessage(), e);
                }
            }
        }
        synchronized (mounted) {
            mounted.clear();
        }
        if (first != null) {
            throw first;
        }
    }

    private static void umount(String mountPoint) throws PosixException {
        try {
            Libc.umount2(mountPoint, 0);
        } catch (PosixException e) {
            if (e.number() != EBUSY) {
                throw e;
            }
            Libc.sync();
            sleep();
            Libc.umount2(mountPoint, 0);
        }
        Log.debug("unmounted " + mountPoint);
    }

    private String readMountinfo() throws GuestFsException {
        try {
            return Files.readString(mountinfo);
        } catch (IOException e) {
            throw new GuestFsException(Errno.EIO, mountinfo.toString(), "cannot read: " + e.getMessage(), e);
        }
    }

    /** The source name of the appliance's tmpfs on the sysroot (see init2), which is never unmounted. */
    static final String SYSROOT_TMPFS = "jguest-sysroot";

    /**
     * Mount points at or below {@code root} in mountinfo text, most recent (deepest) first, without the
     * appliance's own tmpfs under everything at {@code root}.
     */
    static List<String> mountPointsUnder(String mountinfoText, String root) {
        String prefix = root.endsWith("/") ? root : root + "/";
        List<String> points = new ArrayList<>();
        for (String line : mountinfoText.split("\n")) {
            MountInfo.parse(line)
                    .filter(m -> !(SYSROOT_TMPFS.equals(m.source()) && m.mountPoint().toString().equals(root)))
                    .map(m -> m.mountPoint().toString())
                    .filter(mp -> mp.equals(root) || mp.startsWith(prefix))
                    .ifPresent(points::add);
        }
        Collections.reverse(points);
        return points;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
