package io.jguest.mountlocal.jnr;

import io.jguest.api.MountInfo;
import io.jguest.mountlocal.HostMountpoint;
import io.jguest.mountlocal.HostMounts;
import io.jguest.mountlocal.LocalMount;
import io.jguest.mountlocal.MountConfig;
import io.jguest.mountlocal.MountException;
import io.jguest.mountlocal.MountOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A libfuse 2 mount (jnr-fuse) whose multithreaded loop runs on its own thread.
 *
 * <p>libfuse runs with {@code -f} (never fork a JVM) and without {@code -s}; its worker loop runs on
 * JVM threads ({@link FuseLoop}) that call the operations concurrently. Readiness is proven, never guessed: {@link #mount}
 * returns once {@code /proc/self/mountinfo} shows the mountpoint as {@code fuse.jguest} and a stat of
 * the mountpoint through the kernel returned with a device other than its parent's after requests
 * reached the operations.
 *
 * <p>Signals: libfuse 2 installs its SIGINT/SIGTERM/SIGHUP handlers only where the handler is still
 * SIG_DFL, which in a JVM it never is, so libfuse's own signal handling never happens here. Instead,
 * while any mount's loop runs, {@link SignalUnmount} handles those three signals the way libfuse
 * would: every live mount is unmounted, their loops end, and each owner's {@link #awaitUnmounted()}
 * returns so it can flush, sync and shut its appliance down before the JVM exits normally. A signal
 * when no loop runs (a second Ctrl-C) goes to the JVM's own handler (shutdown hooks, exit). A JVM
 * shutdown hook also unmounts whatever is still mounted, so no exit path leaves a dead mountpoint.
 */
public final class JnrLocalMount implements LocalMount {
    private static final Logger log = LoggerFactory.getLogger(JnrLocalMount.class);
    static final String FS_TYPE = "fuse.jguest";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LOOP_END_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final int IO_SIZE = 128 * 1024;
    private static final int MAX_READAHEAD = 1024 * 1024;

    private static final AtomicBoolean preloaded = new AtomicBoolean();

    private final Path mountpoint;
    private final FuseAdapter adapter;
    private final CountDownLatch loopEnded = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int exitCode = -1;
    private volatile String device;
    private Thread loop;

    private JnrLocalMount(Path mountpoint, FuseAdapter adapter) {
        this.mountpoint = mountpoint;
        this.adapter = adapter;
    }

    /** See {@link LocalMount#preload}. */
    public static void preload() {
        if (!preloaded.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            FuseAdapter.preload();
            log.debug("libfuse and jnr-fuse ready in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (Throwable e) { // mount() loads it again and reports the failure with its proper message
            log.debug("preloading libfuse failed: {}", e.toString());
        }
    }

    /** See {@link LocalMount#mount}. */
    public static LocalMount mount(Path mountpoint, MountOperations ops, MountConfig config) throws MountException {
        Path mp = HostMountpoint.check(mountpoint);
        Object parentDevice = device(mp.getParent() == null ? mp : mp.getParent(), mp);
        FuseAdapter adapter;
        try {
            adapter = new FuseAdapter(ops);
        } catch (Throwable e) {
            throw new MountException(mp + ": cannot load libfuse 2 (libfuse.so.2): install libfuse2 (" + e.getMessage()
                    + ")", e);
        }
        String[] args = arguments(mp, config);
        log.debug("mounting {} with libfuse arguments {}", mp, String.join(" ", args));
        JnrLocalMount m = new JnrLocalMount(mp, adapter);
        m.start(args);
        try {
            m.awaitReady(parentDevice);
        } catch (MountException | RuntimeException e) {
            m.close();
            throw e;
        }
        SignalUnmount.register(m);
        log.debug("{} mounted ({} {}) and answering", mp, FS_TYPE, m.device);
        return m;
    }

    /** libfuse's command line: program, mountpoint, foreground, then our -o options and the user's. */
    static String[] arguments(Path mp, MountConfig config) {
        List<String> o = new ArrayList<>();
        o.add("fsname=" + escapeOption(config.fsName()));
        o.add("subtype=jguest");
        o.add("use_ino");
        o.add("readdir_ino");
        o.add("big_writes");
        o.add("max_write=" + IO_SIZE);
        o.add("max_read=" + IO_SIZE);
        o.add("max_readahead=" + MAX_READAHEAD);
        String timeout;
        if (config.readOnly()) {
            // a read-only superblock: the kernel answers EROFS itself, and a readdir does not
            // invalidate the directory's atime (so no GETATTR per directory walked after it)
            o.add("ro");
            o.add("kernel_cache");
            timeout = String.format(Locale.ROOT, "%.3f", config.cacheTimeout().toMillis() / 1000.0);
        } else {
            timeout = "1";
        }
        o.add("attr_timeout=" + timeout);
        o.add("entry_timeout=" + timeout);
        o.add("negative_timeout=" + timeout);
        if (config.fuseOptions().stream().anyMatch(opt -> opt.trim().equals("allow_other"))) {
            o.add("default_permissions");
        }
        List<String> args = new ArrayList<>(List.of("jguest", mp.toString(), "-f", "-o", String.join(",", o)));
        for (String user : config.fuseOptions()) {
            args.add("-o");
            args.add(user);
        }
        return args.toArray(String[]::new);
    }

    /** libfuse splits -o values at unescaped commas. */
    private static String escapeOption(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,");
    }

    private void start(String[] args) {
        loop = new Thread(() -> {
            try {
                exitCode = adapter.runLoop(args, mountpoint.toString());
                log.debug("{}: libfuse loop ended (fuse_main returned {})", mountpoint, exitCode);
            } catch (Throwable e) {
                log.warn("{}: libfuse loop failed: {}", mountpoint, e.toString(), e);
            } finally {
                loopEnded.countDown();
            }
        }, "jguest-fuse " + mountpoint);
        loop.setDaemon(true);
        loop.start();
    }

    /** Until the kernel mount exists and a stat through it reached the operations, or a bounded failure. */
    private void awaitReady(Object parentDevice) throws MountException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (true) {
                if (loopEnded.getCount() == 0) {
                    throw new MountException(mountpoint + ": libfuse could not mount it (fuse_main returned "
                            + exitCode + "; libfuse printed why on stderr)");
                }
                Optional<MountInfo> e = mountAt(mountpoint);
                if (e.isPresent() && e.get().type().equals(FS_TYPE)) {
                    device = e.get().device();
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new MountException(mountpoint + ": the FUSE mount did not appear within "
                            + READY_TIMEOUT.toSeconds() + " s");
                }
                loopEnded.await(20, TimeUnit.MILLISECONDS);
            }
            long left = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
            CompletableFuture<Object> stat = new CompletableFuture<>();
            Thread.ofPlatform().daemon().name("jguest-fuse-ready").start(() -> {
                try {
                    stat.complete(Files.getAttribute(mountpoint, "unix:dev"));
                } catch (Throwable t) {
                    stat.completeExceptionally(t);
                }
            });
            Object dev = stat.get(left, TimeUnit.NANOSECONDS);
            if (dev.equals(parentDevice) || adapter.requests() == 0) {
                throw new MountException(mountpoint + ": a stat of the mountpoint did not reach the filesystem");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MountException(mountpoint + ": interrupted while waiting for the mount", e);
        } catch (TimeoutException e) {
            throw new MountException(mountpoint + ": the mounted filesystem did not answer a stat within "
                    + READY_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new MountException(mountpoint + ": the mounted filesystem failed its first stat: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The topmost host mount at exactly {@code mp}, if any. */
    static Optional<MountInfo> mountAt(Path mp) {
        try {
            return HostMounts.read().at(mp);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Object device(Path p, Path mountpoint) throws MountException {
        try {
            return Files.getAttribute(p, "unix:dev");
        } catch (IOException | RuntimeException e) {
            throw new MountException(mountpoint + ": cannot stat " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path mountpoint() {
        return mountpoint;
    }

    @Override
    public void awaitUnmounted() throws InterruptedException {
        loopEnded.await();
    }

    @Override
    public boolean awaitUnmounted(Duration timeout) throws InterruptedException {
        return loopEnded.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isMounted() {
        return loopRunning() && kernelMount().isPresent();
    }

    boolean loopRunning() {
        return loopEnded.getCount() > 0;
    }

    /** Our kernel mount (same device), if it is still attached at the mountpoint. */
    private Optional<MountInfo> kernelMount() {
        String dev = device;
        return mountAt(mountpoint).filter(e -> e.type().equals(FS_TYPE) && (dev == null || e.device().equals(dev)));
    }

    /**
     * Detaches the mount (lazily: a busy mountpoint cannot block it). The loop ends once the kernel
     * drops the filesystem, which is at once unless files are still open under it.
     */
    void detach(String why) {
        if (!loopRunning() || kernelMount().isEmpty()) {
            return;
        }
        log.debug("{}: unmounting ({})", mountpoint, why);
        if (!run("fusermount", "-u", "-z", "--", mountpoint.toString()) && kernelMount().isPresent()) {
            run("umount", "-l", mountpoint.toString());
        }
    }

    /** Runs a command, bounded; true when it exited 0. Failures are logged, never thrown. */
    private boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("{}: {} did not finish within {} s", mountpoint, command[0], COMMAND_TIMEOUT.toSeconds());
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                log.warn("{}: {} failed (exit {}): {}", mountpoint, String.join(" ", command), p.exitValue(), out);
                return false;
            }
            return true;
        } catch (IOException e) {
            log.warn("{}: cannot run {}: {}", mountpoint, command[0], e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Files still open after a lazy unmount keep the connection, and so the loop, alive: abort the
     * connection through fusectl when it is mounted, so close() ends the loop as it promises.
     */
    private boolean abortConnection() {
        String dev = device;
        Path abort = dev == null ? null
                : Path.of("/sys/fs/fuse/connections", dev.substring(dev.indexOf(':') + 1), "abort");
        if (abort == null || !Files.isWritable(abort)) {
            log.warn("{}: files are still open under the detached filesystem; libfuse's loop ends when they are"
                    + " closed (no fusectl at /sys/fs/fuse/connections to abort it)", mountpoint);
            return false;
        }
        try {
            Files.writeString(abort, "1");
            log.debug("{}: aborted the FUSE connection {} (files were still open)", mountpoint, dev);
            return true;
        } catch (IOException e) {
            log.warn("{}: cannot abort the FUSE connection: {}", mountpoint, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            detach("close");
            if (!awaitUnmounted(LOOP_END_TIMEOUT) && abortConnection() && !awaitUnmounted(LOOP_END_TIMEOUT)) {
                log.warn("{}: libfuse's loop still runs after aborting the connection", mountpoint);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            SignalUnmount.unregister(this);
            log.debug("{}: closed", mountpoint);
        }
    }

    @Override
    public String toString() {
        return "JnrLocalMount[" + mountpoint + "]";
    }
}
