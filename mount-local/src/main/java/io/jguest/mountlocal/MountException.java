package io.jguest.mountlocal;

/** The host side of a mount failed: the message is one line naming the mountpoint and the cause. */
public class MountException extends Exception {
    public MountException(String message) {
        super(message);
    }

    public MountException(String message, Throwable cause) {
        super(message, cause);
    }
}
