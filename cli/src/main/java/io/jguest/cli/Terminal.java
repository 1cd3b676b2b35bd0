package io.jguest.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Where a run writes: text output, error output, and a byte stream for file contents
 * ({@code cat}). {@code raw} and {@code out} end up in the same place; callers flush {@code out}
 * before writing raw bytes.
 */
public record Terminal(PrintWriter out, PrintWriter err, OutputStream raw) {
    public Terminal {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(raw, "raw");
    }

    /** Text-only terminal: raw bytes are decoded as UTF-8 into {@code out} (tests). */
    public static Terminal of(PrintWriter out, PrintWriter err) {
        return new Terminal(out, err, new Utf8WriterStream(out));
    }
}
