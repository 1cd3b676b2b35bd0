package io.jguest.mountlocal;

import io.jguest.api.GuestFileSystem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background closes of guest handles (a file's last close, after the kernel saw its flush
 * succeed), sent several at a time: one {@link GuestFileSystem#releaseAllAsync} instead of a call
 * each, which under TCG spares the guest most of a call's cost per file. A close waits at most
 * {@link #DELAY_MILLIS} for others to join it, and goes at once with {@link #BATCH} waiting. Nobody
 * waits for a release's result: failures are logged. {@link #flush} sends what waits and waits
 * for every send (unmount, a removal or rename: a removed file frees its space once closed; tests).
 */
final class ReleaseBatcher implements AutoCloseable {
    static final int BATCH = 32;
    static final long DELAY_MILLIS = 20;
    private static final Logger log = LoggerFactory.getLogger(ReleaseBatcher.class);

    private final GuestFileSystem fs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jguest-release");
        t.setDaemon(true);
        return t;
    });
    private final Set<CompletableFuture<Void>> sending = ConcurrentHashMap.newKeySet();
    private List<Long> waiting = new ArrayList<>();   // guarded by this
    private boolean scheduled;                        // guarded by this

    ReleaseBatcher(GuestFileSystem fs) {
        this.fs = fs;
    }

    /** Closes {@code handle} in the guest soon. */
    void release(long handle) {
        List<Long> batch = null;
        synchronized (this) {
            waiting.add(handle);
            if (waiting.size() >= BATCH) {
                batch = take();
            } else if (!scheduled) {
                scheduled = true;
                try {
                    timer.schedule(this::sendWaiting, DELAY_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    batch = take();
                }
            }
        }
        if (batch != null) {
            send(batch);
        }
    }

    private void sendWaiting() {
        List<Long> batch;
        synchronized (this) {
            scheduled = false;
            batch = take();
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    /** The caller holds this. */
    private List<Long> take() {
        List<Long> batch = waiting;
        waiting = new ArrayList<>();
        return batch;
    }

    private void send(List<Long> handles) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        sending.add(f);
        fs.releaseAllAsync(handles).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("closing {} files in the guest failed: {}", handles.size(), failure.getMessage());
            }
            sending.remove(f);
            f.complete(null);
        });
    }

    /** Sends what waits, then waits until the guest answered every release sent. */
    void flush() {
        sendWaiting();
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).join();
    }

    /** {@link #flush}, then no more timer. Idempotent. */
    @Override
    public void close() {
        flush();
        timer.shutdownNow();
    }
}
