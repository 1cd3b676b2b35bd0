package io.jguest.api;

import java.io.IOException;

/**
 * The only error type that crosses the guest API: a symbolic errno, the path (or device) it is
 * about, and a human message. Never carries {@code errno == null}: "no error" is not an error
 * (libguestfs turns errno 0 into EINVAL for the same reason).
 */
public class GuestFsException extends IOException {
    private final Errno errno;
    private final String path;
    private final String reason;

    /**
     * @param message what went wrong, without the path ({@link #getMessage()} puts the path in front
     *                and the errno name after it)
     */
    public GuestFsException(Errno errno, String path, String message) {
        super(format(errno, path, message));
        this.errno = errno == null ? Errno.EINVAL : errno;
        this.path = path;
        this.reason = message;
    }

    public GuestFsException(Errno errno, String path, String message, Throwable cause) {
        this(errno, path, message);
        initCause(cause);
    }

    /**
     * An error that is an answer rather than a failure (no such name, no such attribute), which
     * lookups give all the time: built without a stack trace, most of an exception's cost.
     */
    public static GuestFsException answer(Errno errno, String path, String message) {
        return new Answer(errno, path, message);
    }

    private static final class Answer extends GuestFsException {
        Answer(Errno errno, String path, String message) {
            super(errno, path, message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    public Errno errno() {
        return errno;
    }

    /** The guest path or device the error is about; may be null. */
    public String path() {
        return path;
    }

    /** The message as given, without the path and errno that {@link #getMessage()} adds; may be null. */
    public String reason() {
        return reason;
    }

    private static String format(Errno errno, String path, String message) {
        StringBuilder sb = new StringBuilder();
        if (path != null && !path.isEmpty()) {
            sb.append(path).append(": ");
        }
        sb.append(message == null || message.isEmpty() ? String.valueOf(errno) : message);
        if (message != null && errno != null && !message.contains(errno.name())) {
            sb.append(" (").append(errno.name()).append(')');
        }
        return sb.toString();
    }
}
