package io.jguest.appliance.build;

import io.jguest.appliance.ApplianceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Makes the appliance from host files and caches it. {@link #getOrBuild} computes the cache key from the
 * inputs (stat calls, small reads; no process runs), returns {@code cacheDir/appliance-<key16>/} if it
 * exists, and otherwise builds it into {@code cacheDir/tmp-*} and renames it in. Builders serialise on a
 * lock on {@code cacheDir/lock}: between processes ({@link FileChannel#lock()}) and between threads of
 * one JVM; a second builder waits, then reuses what the first one built.
 *
 * <p>Thread-safe. {@link #getOrBuild} blocks for the whole build (about 30 s the first time).
 */
public final class ApplianceBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ApplianceBuilder.class);

    /** Bumped whenever the builder's output changes for the same inputs (it is part of the key). */
    static final String BUILDER_VERSION = "4";
    /** Kernel arguments the appliance's init needs; nothing so far (the root is always /dev/vda). */
    static final List<String> KERNEL_ARGS = List.of();
    /** Appliance directories kept in the cache: the current one and the previous one. */
    static final int KEEP = 2;
    /** How long an appliance beyond {@link #KEEP} must have been unused before it is deleted. */
    static final Duration PRUNE_UNUSED = Duration.ofHours(1);
    private static final String PREFIX = "appliance-";
    /** One JVM-wide lock: FileChannel.lock() throws if two threads of one JVM lock the same file. */
    private static final Object JVM_LOCK = new Object();

    private final BuildRequest request;
    private final KernelLocator kernels;
    private final SharedLibraries libraries;
    private final Map<String, String> env;

    ApplianceBuilder(BuildRequest request, KernelLocator kernels, SharedLibraries libraries, Map<String, String> env) {
        this.request = Objects.requireNonNull(request, "request");
        this.kernels = kernels;
        this.libraries = libraries;
        this.env = Map.copyOf(env);
    }

    /** A builder for this host (its {@code /boot}, {@code /lib/modules}, tools and environment). */
    public static ApplianceBuilder create(BuildRequest request) {
        return new ApplianceBuilder(request, KernelLocator.forHost(), SharedLibraries.forHost(), System.getenv());
    }

    /**
     * Returns the cached appliance for the current inputs, building it first if needed.
     *
     * @param progress receives one line per build step (nothing on a cache hit)
     * @throws ApplianceException.BuildFailed no usable kernel, busybox or JDK, a tool failed, the cache
     *                                        directory is not writable...; the message says what to do
     */
    public Appliance getOrBuild(Consumer<String> progress) throws ApplianceException.BuildFailed {
        long t0 = System.nanoTime();
        BuildPlan plan = BuildPlan.compute(request, kernels, libraries, env);
        Path cacheDir = request.cacheDir();
        Path dir = cacheDir.resolve(PREFIX + plan.key().substring(0, 16));
        LOG.debug("appliance key {} computed in {} ms", plan.key(), (System.nanoTime() - t0) / 1_000_000);
        if (isComplete(dir)) {
            touch(dir);
            return appliance(dir, plan);
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new ApplianceException.BuildFailed("cannot create the appliance cache " + cacheDir + ": " + e.getMessage(), e);
        }
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(cacheDir.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    progress.accept("waiting for another jguest process to finish building the appliance...");
                    lock = ch.lock();
                }
                try {
                    if (isComplete(dir)) {
                        touch(dir);
                        return appliance(dir, plan);
                    }
                    removeStaleTemporaries(cacheDir);
                    long b0 = System.nanoTime();
                    Path tmp = Files.createTempDirectory(cacheDir, "tmp-");
                    try {
                        new ImageBuilder(plan, progress).buildInto(tmp);
                        move(tmp, dir);
                    } finally {
                        ImageBuilder.deleteTree(tmp);
                    }
                    progress.accept(String.format("appliance ready in %.1f s: %s", (System.nanoTime() - b0) / 1e9, dir));
                    touch(dir);
                    pruneOld(cacheDir, dir);
                    return appliance(dir, plan);
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new ApplianceException.BuildFailed("appliance cache " + cacheDir + ": " + e.getMessage(), e);
            }
        }
    }

    private static Appliance appliance(Path dir, BuildPlan plan) {
        Path pvh = dir.resolve(ImageBuilder.PVH_KERNEL_FILE);
        Path kernel = Files.isRegularFile(pvh) ? pvh : dir.resolve(ImageBuilder.KERNEL_FILE);
        return new Appliance(dir, kernel, dir.resolve(ImageBuilder.INITRD_FILE),
                dir.resolve(ImageBuilder.ROOT_FILE), KERNEL_ARGS, plan.kernel().release(), plan.key());
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(ImageBuilder.PROPERTIES_FILE))
                && Files.isRegularFile(dir.resolve(ImageBuilder.KERNEL_FILE))
                && Files.isRegularFile(dir.resolve(ImageBuilder.INITRD_FILE))
                && Files.isRegularFile(dir.resolve(ImageBuilder.ROOT_FILE));
    }

    private static void move(Path tmp, Path dir) throws IOException {
        if (Files.exists(dir)) {
            // incomplete leftover (files deleted by hand): replace it
            ImageBuilder.deleteTree(dir);
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + tmp + " to " + dir + " atomically", e);
        }
    }

    /** Marks the directory as used now, so pruning keeps the recently used ones. */
    private static void touch(Path dir) {
        try {
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.debug("cannot touch {}: {}", dir, e.getMessage());
        }
    }

    /** Under the lock no other build runs, so every tmp-* is left over from a killed builder. */
    private static void removeStaleTemporaries(Path cacheDir) throws IOException {
        try (Stream<Path> s = Files.list(cacheDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("tmp-")).toList()) {
                LOG.debug("removing stale {}", p);
                ImageBuilder.deleteTree(p);
            }
        }
    }

    /**
     * Deletes appliance directories beyond the {@value #KEEP} most recently used, and only those
     * unused for {@link #PRUNE_UNUSED} (every launch touches its directory): another process (another
     * jguest version, a test run of another checkout) may have just found one and be about to start
     * qemu on its files. Never {@code current}.
     */
    static void pruneOld(Path cacheDir, Path current) {
        FileTime unusedSince = FileTime.from(Instant.now().minus(PRUNE_UNUSED));
        try (Stream<Path> s = Files.list(cacheDir)) {
            List<Path> old = s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && !p.equals(current))
                    .sorted(Comparator.comparing(ApplianceBuilder::mtime).reversed())
                    .skip(KEEP - 1)
                    .filter(p -> mtime(p).compareTo(unusedSince) < 0)
                    .toList();
            for (Path p : old) {
                LOG.debug("removing old appliance {}", p);
                ImageBuilder.deleteTree(p);
            }
        } catch (IOException e) {
            LOG.debug("cannot prune old appliances in {}: {}", cacheDir, e.getMessage());
        }
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
