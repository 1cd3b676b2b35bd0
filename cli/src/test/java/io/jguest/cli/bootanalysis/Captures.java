package io.jguest.cli.bootanalysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The console captured from a real launch under TCG, checked in as a test resource. */
final class Captures {
    static final String RESOURCE = "tcg-pass.txt";

    private Captures() {
    }

    static String realText() {
        try (InputStream in = Captures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + RESOURCE + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PassRecord real() {
        return PassRecord.parse(RESOURCE, realText());
    }
}
