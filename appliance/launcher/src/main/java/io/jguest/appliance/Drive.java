package io.jguest.appliance;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A disk image to attach. A read-only drive is attached through a throw-away overlay, so the guest
 * may write (journal replay) but the image is never modified.
 *
 * @param path     the image file (or block device)
 * @param format   {@code raw}, {@code qcow2}, {@code vmdk}, {@code vdi}, {@code vhdx}; null to detect
 * @param readOnly never modify the image
 */
public record Drive(Path path, String format, boolean readOnly) {
    public Drive {
        Objects.requireNonNull(path, "path");
    }

    public static Drive readOnly(Path path) {
        return new Drive(path, null, true);
    }

    public static Drive readWrite(Path path) {
        return new Drive(path, null, false);
    }
}
