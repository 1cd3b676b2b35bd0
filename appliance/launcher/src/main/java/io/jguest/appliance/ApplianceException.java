package io.jguest.appliance;

/**
 * Something about the appliance failed: building it, a drive the user gave, launching qemu, or the
 * connection to the daemon. The message is one line fit for the user (it names the file or option and
 * the cause); {@link #consoleTail()} has the last lines of the guest console when there was one.
 */
public class ApplianceException extends Exception {
    private final String consoleTail;

    public ApplianceException(String message) {
        this(message, null, null);
    }

    public ApplianceException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public ApplianceException(String message, String consoleTail, Throwable cause) {
        super(message, cause);
        this.consoleTail = consoleTail;
    }

    /** The last lines of the appliance console, or null when qemu never ran. */
    public String consoleTail() {
        return consoleTail;
    }

    /** A drive the user gave cannot be used: missing, unreadable, empty, not an image, locked... */
    public static class BadDrive extends ApplianceException {
        public BadDrive(String message) {
            super(message);
        }
    }

    /** The appliance cannot be built: no usable kernel, no modules, a tool missing... */
    public static class BuildFailed extends ApplianceException {
        public BuildFailed(String message) {
            super(message);
        }

        public BuildFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** qemu did not start, exited, or the daemon never said hello in time. */
    public static class LaunchFailed extends ApplianceException {
        public LaunchFailed(String message, String consoleTail, Throwable cause) {
            super(message, consoleTail, cause);
        }
    }
}
