package io.jguest.cli;

import java.util.List;

/**
 * A failure detected by the command line itself (an option that makes no sense, a missing tool).
 * Its message is printed as is after the program name ({@code jguest: }); {@link #details()} are
 * printed on the lines after it (hints), and {@link #exitCode()} is what the program exits with
 * ({@link ExitCodes#ERROR} unless a command documents others, as {@code guestunmount} does).
 */
public class CliException extends Exception {
    private final int exitCode;
    private final List<String> details;

    public CliException(String message) {
        this(message, ExitCodes.ERROR, List.of(), null);
    }

    public CliException(String message, Throwable cause) {
        this(message, ExitCodes.ERROR, List.of(), cause);
    }

    public CliException(String message, int exitCode, List<String> details, Throwable cause) {
        super(message, cause);
        if (exitCode == ExitCodes.OK) {
            throw new IllegalArgumentException("an error cannot exit with " + ExitCodes.OK);
        }
        this.exitCode = exitCode;
        this.details = List.copyOf(details);
    }

    /** An error already reported (or to be kept quiet, as {@code guestunmount -q} asks): nothing is printed. */
    public static CliException silent(int exitCode) {
        return new CliException(null, exitCode, List.of(), null);
    }

    /** False for {@link #silent} errors. */
    public boolean printed() {
        return getMessage() != null;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Lines printed after the message, each after the program name (hints such as the filesystems found). */
    public List<String> details() {
        return details;
    }
}
