package io.jguest.daemon.fs;

import io.jguest.api.Errno;
import io.jguest.api.GuestFsException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Open files by handle. Handles are never reused, so a stale handle gives EBADF instead of someone
 * else's file; a descriptor is closed only when no call is using it (read lock while in use, write
 * lock to close). Thread-safe.
 */
final class HandleTable implements AutoCloseable {
    private final AtomicLong next = new AtomicLong(1);
    private final ConcurrentHashMap<Long, OpenFile> files = new ConcurrentHashMap<>();

    /** What a call does with the descriptor behind a handle. */
    @FunctionalInterface
    interface FdAction<T> {
        T apply(int fd) throws GuestFsException;
    }

    private static final class OpenFile {
        final Fd fd;
        final ReadWriteLock lock = new ReentrantReadWriteLock();
        boolean closed;

        OpenFile(Fd fd) {
            this.fd = fd;
        }
    }

    long add(Fd fd) {
        long handle = next.getAndIncrement();
        files.put(handle, new OpenFile(fd));
        return handle;
    }

    /** Runs {@code action} on the handle's descriptor, which stays open until it returns. */
    <T> T use(long handle, FdAction<T> action) throws GuestFsException {
        OpenFile file = files.get(handle);
        if (file == null) {
            throw unknown(handle);
        }
        file.lock.readLock().lock();
        try {
            if (file.closed) {
                throw unknown(handle);
            }
            return action.apply(file.fd.value());
        } finally {
            file.lock.readLock().unlock();
        }
    }

    /** Forgets the handle and closes its descriptor once in-flight calls are done. */
    void release(long handle) throws GuestFsException {
        OpenFile file = files.remove(handle);
        if (file == null) {
            throw unknown(handle);
        }
        close(file);
    }

    int size() {
        return files.size();
    }

    @Override
    public void close() {
        for (Long handle : files.keySet()) {
            OpenFile file = files.remove(handle);
            if (file != null) {
                close(file);
            }
        }
    }

    private static void close(OpenFile file) {
        file.lock.writeLock().lock();
        try {
            file.closed = true;
            file.fd.close();
        } finally {
            file.lock.writeLock().unlock();
        }
    }

    private static GuestFsException unknown(long handle) {
        return new GuestFsException(Errno.EBADF, null, "unknown handle " + handle);
    }
}
