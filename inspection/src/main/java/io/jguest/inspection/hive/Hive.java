package io.jguest.inspection.hive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/** A registry hive file, parsed lazily. Immutable and thread-safe. */
public final class Hive {
    private Hive() {
    }

    /**
     * A hive over {@code data} (position 0 is the file's first byte; the buffer is not modified).
     * Checks the base block and the first hbin; later corruption is found when a lookup reaches it.
     */
    public static Hive parse(ByteBuffer data) throws HiveException {
        throw new UnsupportedOperationException("contract only");
    }

    /** Maps {@code file} read-only; a file over {@code maxBytes} is refused with a HiveException. */
    public static Hive open(Path file, long maxBytes) throws IOException, HiveException {
        throw new UnsupportedOperationException("contract only");
    }

    public HiveKey root() throws HiveException {
        throw new UnsupportedOperationException("contract only");
    }

    /**
     * The key at {@code path} below the root: names separated by backslashes, a leading backslash
     * optional ({@code \Microsoft\Windows NT\CurrentVersion}), each matched case-insensitively.
     */
    public Optional<HiveKey> key(String path) throws HiveException {
        throw new UnsupportedOperationException("contract only");
    }
}
