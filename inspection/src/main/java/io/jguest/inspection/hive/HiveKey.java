package io.jguest.inspection.hive;

import java.util.List;
import java.util.Optional;

/** A key of a {@link Hive}. Reads lazily from the hive; each call is bounded. */
public interface HiveKey {
    /** The key's name ({@code CurrentVersion}); the root key's stored name. */
    String name();

    List<HiveKey> subkeys() throws HiveException;

    /** The subkey named {@code name}, compared case-insensitively as Windows does. */
    Optional<HiveKey> subkey(String name) throws HiveException;

    List<HiveValue> values() throws HiveException;

    /** The value named {@code name} (case-insensitive; empty string for the default value). */
    Optional<HiveValue> value(String name) throws HiveException;
}
