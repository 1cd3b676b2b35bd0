package io.jguest.appliance.saved;

/** A saved state could not be made (the appliance booted, but warming, preparing or saving it failed). */
public final class SaveFailed extends Exception {
    public SaveFailed(String message) {
        super(message);
    }

    public SaveFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
