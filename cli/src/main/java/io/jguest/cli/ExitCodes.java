package io.jguest.cli;

/**
 * Exit codes of {@code jguest}. Like the libguestfs tools, every failure is 1: a usage error, a bad
 * image, a launch failure or a guest error. Scripts tell them apart by the message, not the code.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Any failure: usage error, bad drive, appliance failure, guest error. */
    public static final int ERROR = 1;

    private ExitCodes() {
    }
}
