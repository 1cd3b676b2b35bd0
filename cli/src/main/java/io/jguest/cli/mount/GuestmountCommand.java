package io.jguest.cli.mount;

import io.jguest.appliance.Drive;
import io.jguest.cli.Cli;
import io.jguest.cli.CliException;
import io.jguest.cli.CommonOptions;
import io.jguest.cli.DiskOptions;
import io.jguest.cli.ExitCodes;
import io.jguest.cli.MountSpec;
import io.jguest.cli.VersionProvider;
import io.jguest.mountlocal.HostMountpoint;
import io.jguest.mountlocal.MountConfig;
import io.jguest.mountlocal.MountException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code guestmount}: mounts filesystems of disk images on a host directory through FUSE, with
 * libguestfs's options. Everything that can be checked without the appliance is checked first
 * (options, the mountpoint); then, by default, the work moves to a background child ({@link Background})
 * and this process exits 0 once the mount answers; with {@code --no-fork} (or {@code -x}) this process
 * serves the mount itself ({@link MountSession}) until it is unmounted or gets SIGTERM/SIGINT.
 * scripts/guestmount does the background part itself and runs this command with {@link #DETACH_OPTION}.
 */
@Command(name = "guestmount", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Mount filesystems of virtual machine disk images on the host (FUSE). The images are only"
                + " read and written inside a small qemu appliance.", ""},
        footer = {"", "Examples:",
            "  guestmount -a disk.img -m /dev/sda1 --ro /mnt/guest",
            "  guestmount -a disk.qcow2 -m /dev/vg0/root -m /dev/sda1:/boot /mnt/guest",
            "  guestmount -a windows.img -i --ro /mnt/win        (shows /mnt/win/C, /mnt/win/D...)",
            "  guestunmount /mnt/guest",
            "", "By default guestmount returns once the mountpoint answers and keeps serving it in the background;"
                + " guestunmount returns once that process has written everything back and shut the appliance"
                + " down, so the images are safe to copy.",
            "", "Exit status: 0 when the mount is ready (with --no-fork: when it ended cleanly), 1 on any error."})
public final class GuestmountCommand implements Callable<Integer> {
    /** How long an ending guestmount waits for the preloading of libfuse to finish (see {@link #serve}). */
    private static final Duration PRELOAD_WAIT = Duration.ofSeconds(5);

    /** The hidden option a background child runs with (see {@link Background}). */
    static final String CHILD_OPTION = "--x-background-child";
    /**
     * The hidden option scripts/guestmount runs this command with in background mode: the script is
     * the parent (no second JVM to start). The process serves in the foreground like {@code --no-fork};
     * once the mount is ready it signals its own {@code --fd} (inherited from the script), prints
     * {@link Background#READY} and detaches its stdio, as a {@link Background} child does.
     */
    static final String DETACH_OPTION = "--x-detach-when-ready";

    private final Cli cli;
    private final Mounter mounter;
    private final MountRegistry registry;
    private final List<MountPlan.GuestMountRequest> mounts = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DiskOptions disks;

    @Option(names = {"-m", "--mount"}, paramLabel = "DEV[:MOUNTPOINT[:OPTIONS[:FSTYPE]]]",
            description = "Mount DEV (e.g. /dev/sda1, /dev/vg/lv) at MOUNTPOINT (default /) in the guest; repeatable,"
                    + " mounted in order.")
    void mount(String value) {
        try {
            mounts.add(new MountPlan.GuestMountRequest(value, MountSpec.parse(value)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Option(names = {"-i", "--inspector"}, description = "Inspect the disks and mount the operating system's filesystems"
            + " as it does: a Linux guest's as its fstab says, a Windows guest's drives as top-level directories C, D..."
            + " (where names match case-insensitively). Any -m are mounted after these.")
    boolean inspector;

    @Option(names = "--root", paramLabel = "DEV", description = "With -i, when the disks hold several operating systems:"
            + " the one whose root filesystem is DEV (e.g. /dev/sda2).")
    String root;

    @Option(names = {"-w", "--rw"}, description = "Mount read-write (the default).")
    boolean readWrite;

    @Option(names = {"-o", "--option"}, paramLabel = "OPTION",
            description = "FUSE mount option(s), comma separated, repeatable (see --fuse-help).")
    List<String> fuseOptions = new ArrayList<>();

    @Option(names = "--dir-cache-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long attributes and listings read from the guest are cached (default ${DEFAULT-VALUE}).")
    long dirCacheTimeout;

    @Option(names = "--fd", paramLabel = "FD", description = "Write one byte to file descriptor FD and close it once the mount is ready.")
    Integer fd;

    @Option(names = "--no-fork", description = "Stay in the foreground until the mount is unmounted.")
    boolean noFork;

    @Option(names = "--pid-file", paramLabel = "FILE", description = "Write the pid of the process serving the mount to FILE.")
    Path pidFile;

    @Option(names = {"-n", "--no-sync"}, description = "Do not sync the guest filesystems when unmounting"
            + " (the appliance still syncs as it shuts down).")
    boolean noSync;

    @SuppressWarnings("deprecation") // help = true: no required options or parameters needed with it
    @Option(names = "--fuse-help", help = true, description = "List the FUSE -o options and exit.")
    boolean fuseHelp;

    @Option(names = CHILD_OPTION, hidden = true)
    boolean backgroundChild;

    @Option(names = DETACH_OPTION, hidden = true)
    boolean detachWhenReady;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", arity = "1", paramLabel = "MOUNTPOINT", description = "The host directory to mount on.")
    Path mountpoint;

    GuestmountCommand(Cli cli) {
        this(cli, Mounter.FUSE, null);
    }

    /** With a fake FUSE layer and registry (tests); a null registry is the user's. */
    GuestmountCommand(Cli cli, Mounter mounter, MountRegistry registry) {
        this.cli = cli;
        this.mounter = mounter;
        this.registry = registry;
    }

    @Override
    public Integer call() throws Exception {
        if (fuseHelp) {
            FuseOptions.printHelp(cli.terminal().out());
            return ExitCodes.OK;
        }
        MountPlan plan = plan();
        if (foreground()) {
            return serve(plan);
        }
        return Background.run(childCommand(plan), cli.terminal().err(), () -> signalFd(plan));
    }

    /** {@code --no-fork}, {@code -x} (which implies it) or being the background child (of Java or of the script). */
    private boolean foreground() {
        return noFork || cli.trace() || backgroundChild || detachWhenReady;
    }

    /** Checks everything that needs no appliance; the one-line errors name the option or file. */
    MountPlan plan() throws CliException {
        if (disks.readOnly() && readWrite) {
            throw new CliException("--ro and --rw cannot be used together");
        }
        if (mounts.isEmpty() && !inspector) {
            throw new CliException("no filesystem to mount: give -i, or -m DEV[:MOUNTPOINT] (e.g. -m /dev/sda1)");
        }
        if (root != null && !inspector) {
            throw new CliException("--root " + root + ": only means something with -i (--inspector)");
        }
        if (dirCacheTimeout < 0) {
            throw new CliException("--dir-cache-timeout " + dirCacheTimeout + ": must be 0 or more seconds");
        }
        List<String> options = FuseOptions.parse(fuseOptions);
        OptionalInt readyFd = checkFd();
        Path pid = null;
        if (pidFile != null) {
            pid = pidFile.toAbsolutePath().normalize();
            Path parent = pid.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new CliException("--pid-file " + pidFile + ": directory " + parent + " does not exist");
            }
            if (Files.isDirectory(pid)) {
                throw new CliException("--pid-file " + pidFile + ": is a directory");
            }
        }
        List<Drive> drives = absolute(disks.drives(disks.readOnly()));
        Path canonical;
        try {
            canonical = HostMountpoint.check(mountpoint);
        } catch (MountException e) {
            throw new CliException(e.getMessage(), e);
        }
        MountConfig config = new MountConfig(disks.readOnly(), Duration.ofSeconds(dirCacheTimeout), options,
                fsName(drives), cli.trace());
        return new MountPlan(drives, mounts, inspector, root, disks.readOnly(), config, canonical, pid, readyFd, !noSync);
    }

    private OptionalInt checkFd() throws CliException {
        if (fd == null || backgroundChild) {
            return OptionalInt.empty(); // a background child's --fd is its parent's to signal
        }
        if (fd < 0 || !Files.exists(Path.of("/proc/self/fd", Integer.toString(fd)))) {
            throw new CliException("--fd=" + fd + ": not an open file descriptor");
        }
        return OptionalInt.of(fd);
    }

    private static List<Drive> absolute(List<Drive> drives) {
        return drives.stream().map(d -> new Drive(d.path().toAbsolutePath().normalize(), d.format(), d.readOnly())).toList();
    }

    /** What {@code mount} and {@code df} show as the source: the first image's name, made safe for -o. */
    static String fsName(List<Drive> drives) {
        String name = drives.isEmpty() || drives.getFirst().path().getFileName() == null ? "jguest"
                : drives.getFirst().path().getFileName().toString();
        return name.replaceAll("[^A-Za-z0-9._+@-]", "_");
    }

    private int serve(MountPlan plan) throws Exception {
        // libfuse and jnr-fuse get ready while the appliance boots; a failure is reported by the mount
        Thread preload = Thread.ofPlatform().daemon().name("jguest-fuse-preload").start(mounter::preload);
        MountSession.ReadySignal signal;
        if (backgroundChild) {
            signal = GuestmountCommand::tellParent;
        } else if (detachWhenReady) {
            signal = () -> {
                signalFd(plan);
                tellParent();
            };
        } else {
            signal = () -> signalFd(plan);
        }
        MountSession session = new MountSession(cli, plan, mounter, signal,
                registry != null ? registry : MountRegistry.forCurrentUser());
        Signals signals = Signals.onStop(session::requestStop);
        try {
            return session.run();
        } finally {
            signals.close();
            // jffi unpacks its stub library into the temp directory and has it deleted at exit: an
            // exit in the middle of that (a bad image fails fast) would leave the file behind
            preload.join(PRELOAD_WAIT);
        }
    }

    /** Background child: one line to the parent on the shared stdout/stderr pipe, then stdio to /dev/null. */
    private static void tellParent() throws IOException {
        System.out.flush();
        System.err.flush();
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write((Background.READY + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        Posix.stdioToDevNull();
    }

    /** {@code --fd}: one NUL byte, then close (the reader sees end of file). */
    private static void signalFd(MountPlan plan) throws IOException {
        if (plan.fd().isPresent()) {
            int n = plan.fd().getAsInt();
            try {
                Posix.writeFully(n, new byte[1]);
                Posix.close(n);
            } catch (IOException e) {
                throw new IOException("--fd=" + n + ": " + e.getMessage(), e);
            }
        }
    }

    /** This command again, as a background child: absolute paths, the checked values, no --fd. */
    List<String> childCommand(MountPlan plan) {
        List<String> c = new ArrayList<>(SelfCommand.forMain(GuestmountMain.class));
        for (Drive d : plan.drives()) {
            c.add("--format=" + (d.format() == null ? "auto" : d.format()));
            c.add("--add=" + d.path());
        }
        c.add(plan.readOnly() ? "--ro" : "--rw");
        if (plan.inspector()) {
            c.add("--inspector");
        }
        if (plan.root() != null) {
            c.add("--root=" + plan.root());
        }
        for (MountPlan.GuestMountRequest m : plan.mounts()) {
            c.add("--mount=" + m.given());
        }
        for (String o : plan.mountConfig().fuseOptions()) {
            c.add("--option=" + o.replace(",", "\\,"));
        }
        c.add("--dir-cache-timeout=" + dirCacheTimeout);
        if (plan.pidFile() != null) {
            c.add("--pid-file=" + plan.pidFile());
        }
        if (!plan.sync()) {
            c.add("--no-sync");
        }
        if (cli.verbose()) {
            c.add("--verbose");
        }
        c.add("--no-fork");
        c.add(CHILD_OPTION);
        c.add("--");
        c.add(plan.mountpoint().toString());
        return c;
    }
}
