package io.jguest.inspection.hive;

/** A hive that is not a hive, is truncated, or is corrupt where a lookup had to read. */
public final class HiveException extends Exception {
    public HiveException(String message) {
        super(message);
    }

    public HiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
