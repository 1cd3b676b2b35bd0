package io.jguest.inspection.detect;

/**
 * A file that is not an SQLite database, or one that is truncated or corrupt where a scan had to
 * read. The message is one line naming the page or row and the cause ({@code page 7: cell 3 at
 * offset 4090 runs past the page}), without the file's name.
 */
public final class SqliteException extends Exception {
    public SqliteException(String message) {
        super(message);
    }
}
