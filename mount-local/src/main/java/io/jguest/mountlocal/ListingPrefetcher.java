package io.jguest.mountlocal;

import io.jguest.api.DirEntry;
import io.jguest.api.FileType;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the listings of the subdirectories of a directory just listed, in batches of
 * {@link #BATCH} with {@link GuestFileSystem#readdirPlusMany} (one round trip each), at most
 * {@link #IN_FLIGHT} batches at once and {@link #QUEUED} waiting (more are dropped), so that a
 * recursive walk ({@code find}, {@code du}, {@code ls -R}) finds the next directories cached. When
 * the first listing of a prefetched batch is used, the subdirectories of the whole batch are
 * prefetched in turn (so a walk stays one level ahead, in full batches). Failures are ignored: the
 * walk then fetches what it needs itself.
 */
final class ListingPrefetcher implements AutoCloseable {
    static final int BATCH = 32;
    static final int IN_FLIGHT = 2;
    static final int QUEUED = 64;
    private static final Logger log = LoggerFactory.getLogger(ListingPrefetcher.class);

    /** One batch; {@code started} once its round trip began (worth waiting for rather than repeating). */
    private static final class Batch {
        final List<String> dirs;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean started;

        Batch(List<String> dirs) {
            this.dirs = dirs;
        }
    }

    private final GuestFileSystem fs;
    private final MetadataCache cache;
    /** Runs after a fetch's cache stamp is taken and before the fetch (the mount's deferred creations). */
    private final Runnable beforeFetch;
    private final ThreadPoolExecutor pool;
    private final Map<String, Batch> pending = new ConcurrentHashMap<>();
    private final Object idle = new Object();
    private int batches;   // submitted and not finished, guarded by idle

    ListingPrefetcher(GuestFileSystem fs, MetadataCache cache, Runnable beforeFetch) {
        this.fs = fs;
        this.cache = cache;
        this.beforeFetch = beforeFetch;
        this.pool = new ThreadPoolExecutor(IN_FLIGHT, IN_FLIGHT, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread t = new Thread(r, "jguest-prefetch");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Queues the subdirectories of {@code dir} (from its listing) whose listings are not cached. */
    void prefetchChildren(String dir, List<DirEntry> entries) {
        List<String> batch = new ArrayList<>(BATCH);
        batch = collect(dir, entries, batch);
        if (!batch.isEmpty()) {
            submit(batch);
        }
    }

    /** Queues the subdirectories of every directory of a prefetched batch that is still cached. */
    void expand(MetadataCache.PrefetchGroup group) {
        List<String> batch = new ArrayList<>(BATCH);
        for (String dir : group.dirs) {
            MetadataCache.Listing l = cache.listing(dir);
            if (l != null) {
                batch = collect(dir, l.entries, batch);
            }
        }
        if (!batch.isEmpty()) {
            submit(batch);
        }
    }

    /** Adds the uncached subdirectories to {@code batch}, submitting it each time it is full; returns the rest. */
    private List<String> collect(String dir, List<DirEntry> entries, List<String> batch) {
        for (DirEntry e : entries) {
            boolean isDir = e.attributes() != null ? e.attributes().isDirectory() : e.type() == FileType.DIRECTORY;
            if (!isDir) {
                continue;
            }
            String child = MetadataCache.child(dir, e.name());
            if (pending.containsKey(child) || cache.listing(child) != null) {
                continue;
            }
            batch.add(child);
            if (batch.size() == BATCH) {
                submit(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
        return batch;
    }

    private void submit(List<String> dirs) {
        Batch b = new Batch(List.copyOf(dirs));
        List<String> mine = new ArrayList<>(dirs.size());
        for (String d : b.dirs) {
            if (pending.putIfAbsent(d, b) == null) {
                mine.add(d);
            }
        }
        if (mine.isEmpty()) {
            return;
        }
        synchronized (idle) {
            batches++;
        }
        try {
            pool.execute(() -> run(b, mine));
        } catch (RejectedExecutionException full) {
            finish(b, mine);
        }
    }

    private void run(Batch b, List<String> dirs) {
        b.started = true;
        try {
            long[] stamp = cache.stamp();
            beforeFetch.run();
            List<List<DirEntry>> lists = fs.readdirPlusMany(dirs);
            MetadataCache.PrefetchGroup group = new MetadataCache.PrefetchGroup(dirs);
            for (int i = 0; i < dirs.size() && i < lists.size(); i++) {
                if (lists.get(i) != null) {
                    cache.putListing(dirs.get(i), lists.get(i), stamp, group);
                }
            }
        } catch (GuestFsException | RuntimeException e) {
            log.debug("prefetch of {} directories from {} failed: {}", dirs.size(), dirs.getFirst(), e.toString());
        } finally {
            finish(b, dirs);
        }
    }

    private void finish(Batch b, List<String> dirs) {
        dirs.forEach(d -> pending.remove(d, b));
        b.done.complete(null);
        synchronized (idle) {
            batches--;
            idle.notifyAll();
        }
    }

    /** If a prefetch of {@code dir} is running, waits for it (its listing is then cached, or failed). */
    void awaitRunning(String dir) {
        Batch b = pending.get(dir);
        if (b != null && b.started) {
            b.done.join();
        }
    }

    /** Waits until no batch is queued or running (tests). */
    void awaitIdle() throws InterruptedException {
        synchronized (idle) {
            while (batches > 0) {
                idle.wait();
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
