package io.jguest.daemon.fs;

import io.jguest.daemon.posix.Libc;
import io.jguest.daemon.posix.PosixException;

/** An owned file descriptor, closed once by {@link #close()}. Not shared between threads. */
public final class Fd implements AutoCloseable {
    private final int value;
    private boolean closed;

    Fd(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** {@code /proc/self/fd/N}: a path naming exactly this descriptor's file. */
    public String procPath() {
        return "/proc/self/fd/" + value;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                Libc.close(value);
            } catch (PosixException ignored) {
                // Linux frees the descriptor even when close reports an error
            }
        }
    }
}
