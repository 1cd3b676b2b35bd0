package io.jguest.appliance.qmp;

/** qemu answered a QMP command with an error: its class ({@code GenericError}...) and description. */
public final class QmpException extends Exception {
    private final String command;
    private final String errorClass;
    private final String description;

    public QmpException(String command, String errorClass, String description) {
        super(command + ": " + description);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    public String command() {
        return command;
    }

    public String errorClass() {
        return errorClass;
    }

    /** qemu's own words, e.g. {@code Failed to get "write" lock}. */
    public String description() {
        return description;
    }
}
