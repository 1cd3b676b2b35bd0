package io.jguest.mountlocal;

import io.jguest.api.Errno;
import io.jguest.api.GuestFileSystem;
import io.jguest.api.GuestFsException;
import io.jguest.api.OpenFile;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one open file of a {@link GuestMount}: its guest handle, read-ahead buffers and
 * write-back buffer.
 *
 * <p>Read-ahead: a read at the offset where the previous one ended (or inside a buffered chunk) is
 * sequential and served from chunks fetched with one {@code pread} each, growing from
 * {@link #FIRST_CHUNK} to {@link #maxIo}, with up to two fetches in flight. Any other read goes to
 * the guest as asked. Chunks carry the {@link #epoch} they were fetched in; a change to the file
 * bumps it and so drops them.
 *
 * <p>Write-back: contiguous writes fill one buffer (at most {@link #maxIo}) sent with one
 * {@code pwrite} when full or when a write does not continue it; at most one send is in flight while
 * the next buffer fills. A failed background send is remembered and reported by the next write,
 * flush, fsync or release. {@link #flushWrites} sends everything and waits. Handles opened with
 * {@code O_SYNC}/{@code O_DSYNC} write through.
 */
final class OpenHandle {
    static final int FIRST_CHUNK = 256 * 1024;
    private static final int MAX_CHUNKS_IN_FLIGHT = 2;
    /** Write-back sends in flight per handle (see {@link #sendBuffer}). */
    private static final int MAX_WRITES_IN_FLIGHT = 2;
    private static final int MAX_CHUNKS_AHEAD = 3;
    /** Linux O_DSYNC; O_SYNC contains it. */
    static final int O_DSYNC = 010000;
    /** How far from the stream's position a read still counts as part of it. */
    private static final int NEAR = 1024 * 1024;

    /** Called after data reached the guest (or failed to): attributes and read-ahead of the file are stale. */
    interface Listener {
        void dataSent(OpenHandle handle);

        /**
         * A deferred creation ({@link Deferred}) was made in the guest: {@code made} is the file as
         * made (attributes after the data sent with it), or null when it failed ({@code failure}).
         */
        default void created(OpenHandle handle, OpenFile made, GuestFsException failure) {
        }
    }

    /**
     * A creation not made in the guest yet: {@link GuestFileSystem#createWrite}'s arguments. It is
     * made at the first flush together with the buffered data, or earlier when anything needs the
     * guest's file (a read, a write-back, another operation by name: {@link #ensureCreated}).
     */
    record Deferred(int flags, int mode, int uid, int gid) {
    }

    private record Chunk(long offset, int length, long epoch, CompletableFuture<byte[]> data) {
        boolean covers(long pos) {
            return pos >= offset && pos < offset + length;
        }
    }

    /** The guest's handle; -1 while the creation is deferred (or after it failed). */
    private volatile long guestHandle;
    final int flags;
    private volatile String path;
    private volatile long ino;
    /** Bumped whenever the file's data changes: read-ahead fetched before is stale. */
    final AtomicLong epoch = new AtomicLong();

    private final GuestFileSystem fs;
    private final Executor io;
    private final Listener listener;
    private final int maxIo;
    private final ReentrantLock lock = new ReentrantLock();

    // read-ahead, under lock
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private long lastEnd;
    private int nextChunk = FIRST_CHUNK;
    private int streak;
    private long eof = -1;

    // write-back, under lock
    private byte[] buffer;
    private long bufferStart;
    private int bufferLength;
    /** Background sends, oldest first: at most {@link #MAX_WRITES_IN_FLIGHT}, overlapping ones never at once. */
    private final ArrayDeque<Sending> inFlight = new ArrayDeque<>();
    private volatile boolean dirty;
    private volatile GuestFsException sticky;
    /** A creation still to make in the guest; null for a file the guest has. Under lock. */
    private Deferred deferred;
    /** Why a deferred creation failed: every flush reports it. */
    private volatile GuestFsException creationFailure;
    /** A deferred creation sent with the file's first write and not answered yet, or null. Under lock. */
    private CompletableFuture<Void> creating;

    OpenHandle(GuestFileSystem fs, Executor io, Listener listener, int maxIo, long guestHandle, String path,
               int flags, long ino) {
        this.fs = fs;
        this.io = io;
        this.listener = listener;
        this.maxIo = maxIo;
        this.guestHandle = guestHandle;
        this.path = path;
        this.flags = flags;
        this.ino = ino;
    }

    String path() {
        return path;
    }

    void path(String p) {
        this.path = p;
    }

    long ino() {
        return ino;
    }

    void ino(long i) {
        this.ino = i;
    }

    /**
     * The guest's handle of the file, making a deferred creation first; throws its failure.
     */
    long guestHandle() throws GuestFsException {
        long h = guestHandle;
        if (h >= 0) {
            return h;
        }
        lock.lock();
        try {
            ensureCreatedLocked();
            return guestHandle;
        } finally {
            lock.unlock();
        }
    }

    /** Makes this the handle of a deferred creation (before anyone else sees it). */
    void defer(Deferred creation) {
        lock.lock();
        try {
            deferred = creation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a deferred creation in the guest now, without the buffered data (it stays for the next
     * flush). A failure is kept for flush to report, not thrown.
     */
    void ensureCreated() {
        lock.lock();
        try {
            awaitCreating();
            if (deferred != null) {
                create(0, new byte[0]);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #ensureCreated}, then the failure if the creation failed. Under lock. */
    private void ensureCreatedLocked() throws GuestFsException {
        awaitCreating();
        if (deferred != null) {
            create(0, new byte[0]);
        }
        if (creationFailure != null) {
            throw creationFailure;
        }
    }

    /** Makes the deferred creation, writing {@code data} at {@code at} in the same call. Under lock. */
    private void create(long at, byte[] data) {
        Deferred d = deferred;
        deferred = null;
        OpenFile made = null;
        Throwable failure = null;
        try {
            made = fs.createWrite(path, d.flags(), d.mode(), d.uid(), d.gid(), at, data);
        } catch (GuestFsException | RuntimeException e) {
            failure = e;
        }
        created(made, failure, data.length);
    }

    /**
     * Sends the deferred creation with the file's first write, without waiting: by the time the
     * application closes the file the guest has made it, or is at it. Under lock.
     */
    private void createInBackground(long at, byte[] data) {
        Deferred d = deferred;
        deferred = null;
        creating = fs.createWriteAsync(path, d.flags(), d.mode(), d.uid(), d.gid(), at, data)
                .handle((made, failure) -> {
                    created(made, failure, data.length);
                    return null;
                });
    }

    /** Records the outcome of a deferred creation and tells the listener. */
    private void created(OpenFile made, Throwable failure, int written) {
        GuestFsException failed = null;
        if (failure != null) {
            failed = asGuest(failure);
            creationFailure = failed;
            made = null;
        } else {
            guestHandle = made.handle();
            if (made.attributes() != null) {
                ino = made.attributes().ino();
            }
        }
        if (written > 0) {
            epoch.incrementAndGet();
            listener.dataSent(this);
        }
        listener.created(this, made, failed);
    }

    /** Waits for a creation sent in the background. Under lock. */
    private void awaitCreating() {
        CompletableFuture<Void> c = creating;
        if (c != null) {
            c.join();   // completes normally: the outcome is recorded, never thrown
            creating = null;
        }
    }

    /** True when this handle holds writes not yet known to have reached the guest. */
    boolean dirty() {
        return dirty;
    }

    /** True when nothing is buffered, in flight or failed: releasing can report nothing new but the close. */
    boolean clean() {
        lock.lock();
        try {
            return bufferLength == 0 && inFlight.stream().allMatch(f -> f.done().isDone()) && sticky == null
                    && deferred == null && creating == null && creationFailure == null;
        } finally {
            lock.unlock();
        }
    }

    /** Same file: same path, or same inode when both are known. */
    boolean sameFile(String p, long i) {
        return p.equals(path) || (i >= 0 && i == ino);
    }

    // ---------------------------------------------------------------- read

    /**
     * Up to {@code size} bytes at {@code offset}. {@code sizeHint} is the file size if known (-1
     * otherwise): no read-ahead is started beyond it.
     */
    byte[] read(long offset, int size, long sizeHint) throws GuestFsException {
        lock.lock();
        try {
            ensureCreatedLocked();
            long now = epoch.get();
            if (chunks.stream().anyMatch(c -> c.epoch() != now)) {
                resetReadAhead();
            }
            // the kernel's parallel read-ahead may deliver a stream's reads slightly out of order: a
            // read just ahead of the stream continues it (the gap is fetched too, its read follows),
            // a read shortly behind it is served directly without giving the stream up
            boolean covered = find(offset) != null;
            boolean justAhead = offset > lastEnd && offset - lastEnd <= 2L * size;
            if (!covered && offset != lastEnd && !justAhead) {
                boolean behind = streak > 0 && offset < lastEnd && lastEnd - offset <= NEAR;
                if (!behind) {
                    resetReadAhead();
                }
                byte[] data = fs.pread(guestHandle, offset, size);
                lastEnd = behind ? lastEnd : offset + data.length;
                return data;
            }
            long start = covered ? offset : Math.min(offset, lastEnd);
            if (!covered && find(start) == null) {
                fetch(start, (int) Math.min(maxIo, Math.max(nextChunk, offset + size - start)));
            }
            byte[] out = new byte[size];
            int n = 0;
            long pos = offset;
            while (n < size) {
                if (eof >= 0 && pos >= eof) {
                    break;
                }
                Chunk c = find(pos);
                if (c == null) {
                    c = fetch(pos, Math.max(nextChunk, size - n));
                }
                byte[] data = await(c);
                long end = c.offset() + data.length;
                if (data.length < c.length()) {
                    eof = eof < 0 ? end : Math.min(eof, end);
                }
                if (pos >= end) {
                    break;
                }
                int k = (int) Math.min(end - pos, size - n);
                System.arraycopy(data, (int) (pos - c.offset()), out, n, k);
                n += k;
                pos += k;
            }
            lastEnd = Math.max(lastEnd, pos);
            streak++;
            long behind = lastEnd - NEAR;   // keep what a late out-of-order read may still want
            chunks.removeIf(c -> c.offset() + c.length() <= behind);
            readAhead(lastEnd, sizeHint);
            return n == size ? out : Arrays.copyOf(out, n);
        } finally {
            lock.unlock();
        }
    }

    private Chunk find(long pos) {
        for (Chunk c : chunks) {
            if (c.covers(pos)) {
                return c;
            }
        }
        return null;
    }

    private Chunk fetch(long offset, int length) {
        int len = Math.min(length, maxIo);
        long at = offset;
        CompletableFuture<byte[]> data = CompletableFuture.supplyAsync(() -> {
            try {
                return fs.pread(guestHandle, at, len);
            } catch (GuestFsException e) {
                throw new CompletionException(e);
            }
        }, io);
        Chunk c = new Chunk(offset, len, epoch.get(), data);
        chunks.addLast(c);
        nextChunk = (int) Math.min((long) nextChunk * 2, maxIo);
        return c;
    }

    private void readAhead(long pos, long sizeHint) {
        if (streak < 2 && sizeHint < 0) {
            return;
        }
        long limit = eof >= 0 ? eof : sizeHint;
        while (true) {
            long end = pos;
            int inFlightCount = 0;
            int ahead = 0;
            for (Chunk c : chunks) {
                end = Math.max(end, c.offset() + c.length());
                if (!c.data().isDone()) {
                    inFlightCount++;
                }
                if (c.offset() + c.length() > pos) {
                    ahead++;
                }
            }
            if (inFlightCount >= MAX_CHUNKS_IN_FLIGHT || ahead >= MAX_CHUNKS_AHEAD || (limit >= 0 && end >= limit)) {
                return;
            }
            fetch(end, nextChunk);
        }
    }

    private void resetReadAhead() {
        chunks.clear();
        streak = 0;
        nextChunk = FIRST_CHUNK;
        eof = -1;
    }

    private byte[] await(Chunk c) throws GuestFsException {
        try {
            return c.data().get();
        } catch (ExecutionException e) {
            resetReadAhead();
            throw asGuest(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resetReadAhead();
            throw new GuestFsException(Errno.EINTR, path, "interrupted while reading");
        }
    }

    // ---------------------------------------------------------------- write

    int write(long offset, byte[] data, int length) throws GuestFsException {
        lock.lock();
        try {
            GuestFsException failed = sticky;
            if (failed != null) {
                throw failed;
            }
            if (creationFailure != null) {
                throw creationFailure;   // the file was never made: nothing can be written to it
            }
            epoch.incrementAndGet();
            if (deferred != null && bufferLength == 0 && length < maxIo && (flags & O_DSYNC) == 0) {
                createInBackground(offset, Arrays.copyOf(data, length));
                dirty = true;
                return length;
            }
            if (bufferLength > 0 && (offset != bufferStart + bufferLength || bufferLength + length > maxIo)) {
                sendBuffer();
            }
            if (length >= maxIo || (flags & O_DSYNC) != 0) {   // O_SYNC/O_DSYNC: on disk when write returns
                awaitInFlight();
                ensureCreatedLocked();
                try {
                    writeFully(offset, data, length);
                } finally {
                    listener.dataSent(this);
                }
                return length;
            }
            if (bufferLength == 0) {
                bufferStart = offset;
            }
            ensureCapacity(bufferLength + length);
            System.arraycopy(data, 0, buffer, bufferLength, length);
            bufferLength += length;
            dirty = true;
            if (bufferLength == maxIo) {
                sendBuffer();
            }
            return length;
        } finally {
            lock.unlock();
        }
    }

    private void ensureCapacity(int needed) {
        if (buffer == null || buffer.length < needed) {
            int cap = buffer == null ? 64 * 1024 : buffer.length;
            while (cap < needed) {
                cap *= 2;
            }
            buffer = buffer == null ? new byte[Math.min(cap, maxIo)] : Arrays.copyOf(buffer, Math.min(cap, maxIo));
        }
    }

    /**
     * Hands the buffer to a background send. Two may be in flight: while the guest writes one chunk
     * into its page cache, the next crosses the channel (under TCG each alone keeps one emulated CPU
     * busy). A send waits for any earlier one whose range it overlaps, so that the guest applies
     * overlapping writes in order. Under lock.
     */
    private void sendBuffer() throws GuestFsException {
        ensureCreatedLocked();
        long at = bufferStart;
        long end = at + bufferLength;
        for (Sending earlier : List.copyOf(inFlight)) {
            if (earlier.start() < end && at < earlier.end()) {
                awaitThrough(earlier);
            }
        }
        while (inFlight.size() >= MAX_WRITES_IN_FLIGHT) {
            awaitThrough(inFlight.peekFirst());
        }
        byte[] data = takeBuffer();
        inFlight.addLast(new Sending(at, end, CompletableFuture.runAsync(() -> send(at, data), io)));
    }

    /** A background send of the bytes [start, end). */
    private record Sending(long start, long end, CompletableFuture<Void> done) {
    }

    /** The buffered bytes, handed over (copied only when the buffer is not full); empties the buffer. Under lock. */
    private byte[] takeBuffer() {
        byte[] data = bufferLength == buffer.length ? buffer : Arrays.copyOf(buffer, bufferLength);
        buffer = null;
        bufferLength = 0;
        return data;
    }

    /** Writes {@code data} at {@code at}; a failure is recorded, never thrown; the listener hears of it either way. */
    private void send(long at, byte[] data) {
        try {
            writeFully(at, data, data.length);
        } catch (GuestFsException | RuntimeException e) {
            recordFailure(e);
        } finally {
            listener.dataSent(this);
        }
    }

    private void recordFailure(Exception e) {
        if (sticky == null) {
            sticky = asGuest(e);
        }
    }

    /** Waits for every send in flight; their failures are already recorded. Under lock. */
    private void awaitInFlight() {
        if (!inFlight.isEmpty()) {
            awaitThrough(inFlight.peekLast());
        }
    }

    /** Waits for the sends in flight from the oldest up to and including {@code last}. Under lock. */
    private void awaitThrough(Sending last) {
        boolean interrupted = false;
        while (!inFlight.isEmpty()) {
            Sending s = inFlight.peekFirst();
            while (true) {
                try {
                    s.done().get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;   // a send cannot be abandoned half way: its outcome decides the error
                } catch (ExecutionException e) {
                    recordFailure(asGuest(e.getCause()));
                    break;
                }
            }
            inFlight.removeFirst();
            if (s == last) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeFully(long offset, byte[] data, int length) throws GuestFsException {
        int done = 0;
        while (done < length) {
            byte[] part = done == 0 && length == data.length ? data : Arrays.copyOfRange(data, done, length);
            int n = fs.pwrite(guestHandle, offset + done, part);
            if (n <= 0) {
                throw new GuestFsException(Errno.EIO, path, "short write at offset " + (offset + done));
            }
            done += n;
        }
    }

    /**
     * Sends everything buffered and waits for it. With {@code report}, a failure of this or any
     * earlier background send is thrown (once).
     */
    void flushWrites(boolean report) throws GuestFsException {
        lock.lock();
        try {
            awaitInFlight();
            awaitCreating();
            if (deferred != null) {
                boolean any = bufferLength > 0;
                create(any ? bufferStart : 0, any ? takeBuffer() : new byte[0]);
            } else if (bufferLength > 0 && creationFailure != null) {
                takeBuffer();   // written after the creation failed: reported with that failure
            } else if (bufferLength > 0) {
                send(bufferStart, takeBuffer());
            }
            dirty = false;
            if (report && creationFailure != null) {
                throw creationFailure;
            }
            GuestFsException failed = sticky;
            if (report && failed != null) {
                sticky = null;
                throw failed;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is buffered, then closes the guest handle; the first failure is thrown. */
    void release() throws GuestFsException {
        GuestFsException failure = null;
        try {
            flushWrites(true);
        } catch (GuestFsException e) {
            failure = e;
        }
        try {
            if (guestHandle >= 0) {
                fs.release(guestHandle);
            }
        } catch (GuestFsException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private GuestFsException asGuest(Throwable t) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof GuestFsException g) {
            return g;
        }
        return new GuestFsException(Errno.EIO, path, String.valueOf(t), t);
    }
}
