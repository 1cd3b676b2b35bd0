package io.jguest.inspection;

import io.jguest.api.InspectionReport;
import io.jguest.inspection.detect.Builtins;
import io.jguest.inspection.detect.Detection;
import io.jguest.inspection.rules.Model;
import io.jguest.inspection.rules.Program;
import io.jguest.inspection.rules.RulesException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Inspection's entry point: input facts, built-ins and the shipped rules, evaluated, and the
 * conclusions turned into a report. Never throws for what it finds on the filesystems: unreadable
 * or hostile files become warnings. Thread-safe (each call evaluates afresh).
 */
public final class Inspector {
    /** The rules resource, beside this class. */
    static final String RULES = "inspection.rules";

    private Inspector() {
    }

    /** The shipped rules, compiled once (a rules file that does not compile is a bug in this module). */
    private static final class Rules {
        static final Program PROGRAM = compile();

        private static Program compile() {
            String text;
            try (InputStream in = Inspector.class.getResourceAsStream(RULES)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RULES + " is missing beside " + Inspector.class.getName());
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource " + RULES, e);
            }
            try {
                return Program.compile(RULES, text, Builtins.all(), InputFacts.ARITIES);
            } catch (RulesException e) {
                throw new IllegalStateException("the shipped rules do not compile: " + e.getMessage(), e);
            }
        }
    }

    /** An inspector with the rules shipped in this module ({@code inspection.rules}). */
    public static Inspector create() {
        Program compiled = Rules.PROGRAM;   // compile now, so a broken rules file shows at once
        assert compiled != null;
        return new Inspector();
    }

    /**
     * Inspects what {@code input} describes.
     *
     * @param explain whether to include the derivation of every conclusion (except applications)
     */
    public InspectionReport inspect(InspectionInput input, boolean explain) {
        try (Detection detection = new Detection(input.mounted())) {
            Model model = detection.run(() -> Rules.PROGRAM.evaluate(InputFacts.of(input)));
            return new ReportBuilder(model, detection.warnings()).build(explain);
        }
    }
}
