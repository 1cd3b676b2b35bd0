package io.jguest.daemon;

import io.jguest.daemon.fs.LocalFileSystem;
import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pipes that carry one reply's data from a file to the stream by {@code splice(2)}: filled from the
 * file (page references, no copy by the guest's CPU), then drained onto the virtio-serial port, which
 * takes each pipe's pages as one scatter-gather buffer. One set per worker thread.
 *
 * <p>Each pipe gets at most {@link #PER_PIPE} bytes and is always drained whole: the kernel's
 * virtio-console splice sizes its scatter-gather list by the pipe's occupancy, and a drain that left
 * pages behind would hand qemu zero-length buffers (which breaks the device). A pipe holds 1 MiB
 * (256 pages, the most an unprivileged process may ask for), and {@link #PER_PIPE} bytes span at
 * most 256 pages however unaligned, so a fill never blocks.
 * {@link #close} is idempotent.
 */
final class SplicePipes implements LocalFileSystem.SpliceSink, AutoCloseable {
    /** A pipe's capacity: 256 pages, well within the 1,024 entries a virtqueue element may have. */
    private static final int PIPE_BYTES = 1024 * 1024;
    /** Bytes per pipe: one page less than it holds, so that an unaligned fill fits in its 256 pages. */
    static final int PER_PIPE = PIPE_BYTES - 4096;

    private final int[] readFds;
    private final int[] writeFds;
    private final int[] filled;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SplicePipes(int count) {
        readFds = new int[count];
        writeFds = new int[count];
        filled = new int[count];
        Arrays.fill(readFds, -1);
        Arrays.fill(writeFds, -1);
    }

    /** Pipes for replies of up to {@code maxBytes}. */
    static SplicePipes open(int maxBytes) throws PosixException {
        SplicePipes p = new SplicePipes((maxBytes + PER_PIPE - 1) / PER_PIPE);
        try {
            for (int i = 0; i < p.readFds.length; i++) {
                int[] fds = Libc.pipe();
                p.readFds[i] = fds[0];
                p.writeFds[i] = fds[1];
                int got = Libc.setPipeSize(fds[1], PIPE_BYTES);
                if (got < PIPE_BYTES) {
                    throw new PosixException(22, "fcntl(F_SETPIPE_SZ) gave " + got + " bytes, not " + PIPE_BYTES);
                }
            }
            return p;
        } catch (PosixException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** The most one reply may carry. */
    int capacity() {
        return readFds.length * PER_PIPE;
    }

    /** Fills the pipes in turn from {@code fileFd}; the pipes must be empty (drained or new). */
    @Override
    public int fill(int fileFd, long offset, int length) throws PosixException {
        if (length > capacity()) {
            throw new PosixException(22, "splice of " + length + " bytes into pipes for " + capacity());
        }
        int total = 0;
        for (int i = 0; i < readFds.length; i++) {
            int want = Math.min(PER_PIPE, length - total);
            int got = want <= 0 ? 0 : (int) Libc.spliceFromFile(fileFd, offset + total, writeFds[i], want);
            filled[i] = got;
            total += got;
            if (got < want) {
                for (int j = i + 1; j < filled.length; j++) {
                    filled[j] = 0;
                }
                break;
            }
        }
        return total;
    }

    /** Moves everything {@link #fill} put in the pipes onto {@code out}, each pipe whole, in order. */
    void drainTo(int out) throws PosixException {
        for (int i = 0; i < readFds.length; i++) {
            if (filled[i] > 0) {
                Libc.spliceToFd(readFds[i], out, filled[i]);
                filled[i] = 0;
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int i = 0; i < readFds.length; i++) {
            closeQuietly(readFds[i]);
            closeQuietly(writeFds[i]);
        }
    }

    private static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Libc.close(fd);
        } catch (PosixException e) {
            // Linux frees the descriptor even when close reports an error
        }
    }
}
