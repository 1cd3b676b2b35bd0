package io.jguest.daemon.posix;

import io.jguest.api.GuestFsException;

/**
 * A failed libc call: the raw errno number, the function that failed, and the symbolic errno (from
 * {@link Errnos}) that travels to the host. The path is left for the caller to attach.
 */
public final class PosixException extends GuestFsException {
    private final int number;
    private final String function;

    public PosixException(int number, String function) {
        super(Errnos.toErrno(number), null, function + ": " + Libc.describe(number));
        this.number = number;
        this.function = function;
    }

    /** The errno number as the kernel returned it. */
    public int number() {
        return number;
    }

    public String function() {
        return function;
    }
}
