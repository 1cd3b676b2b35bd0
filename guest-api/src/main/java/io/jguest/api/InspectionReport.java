package io.jguest.api;

import java.util.List;

/**
 * Everything one inspection found.
 *
 * @param roots        the operating systems found, in root device order (empty when none)
 * @param warnings     what could not be read or made sense of (a corrupt hive, an fstab line that
 *                     does not parse...), one line each, naming the filesystem and file
 * @param explanations derivations of the conclusions, only when asked for
 */
public record InspectionReport(List<InspectedOs> roots, List<String> warnings, List<Explanation> explanations) {
    public InspectionReport {
        roots = List.copyOf(roots);
        warnings = List.copyOf(warnings);
        explanations = List.copyOf(explanations);
    }
}
