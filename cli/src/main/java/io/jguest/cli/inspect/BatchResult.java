package io.jguest.cli.inspect;

import java.util.List;
import java.util.Objects;

/**
 * What {@code guest-inspect --batch} says about one image: its operating systems, or why it failed.
 *
 * @param image    the image as the user named it
 * @param oses     its operating systems (empty when it failed)
 * @param warnings inspection's warnings for it
 * @param error    one line saying why it failed, or null
 */
record BatchResult(String image, List<OsView> oses, List<String> warnings, String error) {
    BatchResult {
        Objects.requireNonNull(image);
        oses = List.copyOf(oses);
        warnings = List.copyOf(warnings);
    }

    static BatchResult inspected(String image, List<OsView> oses, List<String> warnings) {
        return new BatchResult(image, oses, warnings, null);
    }

    static BatchResult failed(String image, String error, List<String> warnings) {
        return new BatchResult(image, List.of(), warnings, Objects.requireNonNull(error));
    }

    boolean failed() {
        return error != null;
    }
}
