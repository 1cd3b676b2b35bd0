package io.jguest.appliance.saved;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saved VM states of one appliance, in its cache directory. See the package documentation.
 * Thread-safe; builders serialise on a lock between processes and between threads of one JVM.
 */
public final class SavedStates {
    private static final Logger log = LoggerFactory.getLogger(SavedStates.class);
    /** Bumped when what a state holds changes for the same command line (the warm-up, the save steps). */
    static final String FORMAT_VERSION = "1";
    /** States kept per appliance directory (accelerators and machine options each have their own). */
    static final int KEEP = 4;
    /** How long a failed attempt to make a state keeps later launches from trying again. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofHours(1);
    private static final String PREFIX = "saved-";
    private static final String SUFFIX = ".vmstate";
    private static final Object JVM_LOCK = new Object();

    /** Makes a state into the given (temporary) file. */
    @FunctionalInterface
    public interface Maker<E extends Exception> {
        void make(Path file) throws E, SaveFailed;
    }

    private final Path dir;
    private final Path lockFile;

    /**
     * @param dir      where the states live (the appliance's cache directory)
     * @param lockFile the lock builders take ({@code saved.lock} in the cache)
     */
    public SavedStates(Path dir, Path lockFile) {
        this.dir = dir;
        this.lockFile = lockFile;
    }

    /**
     * The key of a machine: its qemu command line with the socket paths replaced by fixed names (so it
     * holds the appliance files, the accelerator, memory, vCPUs, CPU model, machine type and every
     * device), the qemu binary's identity ({@code --version} and file size and time), and for KVM the
     * host's (its CPU and kernel), since a KVM state holds the host CPU's features.
     */
    public static String key(List<String> argv, String qemuIdentity, String hostIdentity) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        put(d, "format");
        put(d, FORMAT_VERSION);
        put(d, "warm-up");
        put(d, Warmup.VERSION);
        put(d, "qemu");
        put(d, qemuIdentity);
        put(d, "host");
        put(d, hostIdentity == null ? "" : hostIdentity);
        put(d, "argv");
        for (String a : argv) {
            put(d, a);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static void put(MessageDigest d, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.update((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        d.update(b);
    }

    /** Where the state of {@code key} lives (it may not exist). */
    public Path file(String key) {
        return dir.resolve(PREFIX + key.substring(0, 16) + SUFFIX);
    }

    /** The state of {@code key} when it exists (marked as just used), else empty. */
    public Optional<Path> find(String key) {
        Path f = file(key);
        try {
            if (Files.isRegularFile(f) && Files.size(f) > 0) {
                Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
                return Optional.of(f);
            }
        } catch (IOException e) {
            log.debug("saved state {}: {}", f, e.toString());
        }
        return Optional.empty();
    }

    /**
     * The state of {@code key}, made first by {@code maker} when there is none: under the lock, into
     * {@code saved-KEY.vmstate.tmp}, then renamed in atomically. A second process waits for the first
     * and uses its state.
     *
     * @param waiting told when another process is making the state and this one waits
     * @throws SaveFailed when {@code maker} could not make it (remembered for {@link #RETRY_AFTER_FAILURE}),
     *                    when an earlier attempt failed recently, or the cache cannot be written
     * @throws E          what {@code maker} throws besides (the boot itself failed: not remembered)
     */
    public <E extends Exception> Path getOrCreate(String key, Consumer<String> waiting, Maker<E> maker)
            throws E, SaveFailed {
        Optional<Path> found = find(key);
        if (found.isPresent()) {
            return found.get();
        }
        checkNoRecentFailure(key);
        synchronized (JVM_LOCK) {
            FileChannel ch = null;
            FileLock lock;
            try {
                ch = openLock();
                lock = lock(ch, waiting);
            } catch (IOException e) {
                closeQuietly(ch);
                throw new SaveFailed("cannot use the lock " + lockFile + ": " + e.getMessage(), e);
            }
            try {
                found = find(key);
                if (found.isPresent()) {
                    return found.get();
                }
                checkNoRecentFailure(key);
                return make(key, maker);
            } finally {
                release(lock);
                closeQuietly(ch);
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                log.debug("closing the lock file: {}", e.toString());
            }
        }
    }

    /** Under the lock: {@code maker} into the temporary file, renamed in. Its own exceptions pass through. */
    private <E extends Exception> Path make(String key, Maker<E> maker) throws E, SaveFailed {
        Path target = file(key);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp); // left by a killed builder: we hold the lock
        } catch (IOException e) {
            throw new SaveFailed("cannot remove " + tmp + ": " + e.getMessage(), e);
        }
        try {
            try {
                maker.make(tmp);
            } catch (SaveFailed e) {
                recordFailure(key, e.getMessage());
                throw e;
            }
            try {
                if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                    throw new IOException("the saved state " + tmp.getFileName() + " is empty");
                }
                move(tmp, target);
            } catch (IOException e) {
                SaveFailed f = new SaveFailed("cannot store " + target + ": " + e.getMessage(), e);
                recordFailure(key, f.getMessage());
                throw f;
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                log.debug("cannot remove {}: {}", tmp, e.toString());
            }
        }
        try {
            Files.deleteIfExists(failureFile(key));
        } catch (IOException e) {
            log.debug("{}: {}", failureFile(key), e.toString());
        }
        prune(target);
        return target;
    }

    private FileChannel openLock() throws IOException {
        Files.createDirectories(lockFile.getParent());
        return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileLock lock(FileChannel ch, Consumer<String> waiting) throws IOException {
        FileLock lock = ch.tryLock();
        if (lock == null) {
            waiting.accept("waiting for another jguest process to finish saving the appliance...");
            lock = ch.lock();
        }
        return lock;
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            log.debug("releasing the lock: {}", e.toString());
        }
    }

    /** Deletes a state that could not be restored, so that the next launch makes a new one. */
    public void discard(Path state) {
        try {
            Files.deleteIfExists(state);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", state, e.toString());
        }
    }

    private Path failureFile(String key) {
        return dir.resolve(PREFIX + key.substring(0, 16) + ".failed");
    }

    private void checkNoRecentFailure(String key) throws SaveFailed {
        Path f = failureFile(key);
        try {
            if (Files.isRegularFile(f)) {
                Instant when = Files.getLastModifiedTime(f).toInstant();
                if (when.plus(RETRY_AFTER_FAILURE).isAfter(Instant.now())) {
                    throw new SaveFailed("it failed at " + when + " (" + Files.readString(f).strip()
                            + "); not tried again before " + when.plus(RETRY_AFTER_FAILURE));
                }
            }
        } catch (IOException e) {
            log.debug("{}: {}", f, e.toString());
        }
    }

    private void recordFailure(String key, String reason) {
        try {
            Files.writeString(failureFile(key), reason + "\n");
        } catch (IOException e) {
            log.debug("cannot record the failure in {}: {}", failureFile(key), e.toString());
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + tmp + " to " + target + " atomically", e);
        }
    }

    /** Deletes the states beyond the {@value #KEEP} most recently used; never {@code current}. */
    private void prune(Path current) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> old = s.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                            && p.getFileName().toString().endsWith(SUFFIX) && !p.equals(current))
                    .sorted(Comparator.comparing(SavedStates::mtime).reversed())
                    .skip(KEEP - 1)
                    .toList();
            for (Path p : old) {
                log.debug("removing old saved state {}", p);
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("cannot prune saved states in {}: {}", dir, e.toString());
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
