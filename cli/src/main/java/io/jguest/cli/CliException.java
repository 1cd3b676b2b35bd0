package io.jguest.cli;

/**
 * A failure detected by the command line itself (an option that makes no sense, a missing tool).
 * Its message is printed as is after {@code jguest: }.
 */
public class CliException extends Exception {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
