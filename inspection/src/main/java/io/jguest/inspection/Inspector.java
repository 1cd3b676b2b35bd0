package io.jguest.inspection;

import io.jguest.api.InspectionReport;

/**
 * Inspection's entry point: input facts, built-ins and the shipped rules, evaluated, and the
 * conclusions turned into a report. Never throws for what it finds on the filesystems: unreadable
 * or hostile files become warnings. Thread-safe (each call evaluates afresh).
 */
public final class Inspector {
    private Inspector() {
    }

    /** An inspector with the rules shipped in this module ({@code inspection.rules}). */
    public static Inspector create() {
        throw new UnsupportedOperationException("contract only: the detection helper implements this");
    }

    /**
     * Inspects what {@code input} describes.
     *
     * @param explain whether to include the derivation of every conclusion (except applications)
     */
    public InspectionReport inspect(InspectionInput input, boolean explain) {
        throw new UnsupportedOperationException("contract only: the detection helper implements this");
    }
}
