package io.jguest.inspection.detect;

/**
 * Something a built-in could not read or make sense of. The message is one line naming the guest
 * path and the cause ({@code /etc/os-release: too many levels of symbolic links}); the built-ins turn
 * it into a warning prefixed with the filesystem's device.
 */
public final class DetectException extends Exception {
    public DetectException(String message) {
        super(message);
    }

    public DetectException(String message, Throwable cause) {
        super(message, cause);
    }
}
