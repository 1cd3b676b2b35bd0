package io.jguest.appliance;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * A disk image to attach. A read-only drive is attached through a throw-away overlay, so the guest
 * may write (journal replay) but the image is never modified.
 *
 * @param path     the image file (or block device)
 * @param format   one of {@link #FORMATS}; null to detect
 * @param readOnly never modify the image
 */
public record Drive(Path path, String format, boolean readOnly) {
    /** The image formats a drive may name (the launcher checks; the CLI checks before launching). */
    public static final Set<String> FORMATS = Set.of("raw", "qcow2", "vmdk", "vdi", "vhdx", "vpc", "qed");

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
