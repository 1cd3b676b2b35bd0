package io.jguest.cli.bootanalysis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Passes captured from real launches under TCG ({@code boot-analysis --save}), checked in as test resources. */
final class Captures {
    /** A cold boot with the analysis kernel arguments. */
    static final String RESOURCE = "tcg-pass.txt";
    /** A launch restored from the saved appliance ({@code --restored}). */
    static final String RESTORED = "tcg-restored-pass.txt";

    private Captures() {
    }

    static String realText() {
        return text(RESOURCE);
    }

    static String text(String resource) {
        try (InputStream in = Captures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PassRecord real() {
        return PassRecord.parse(RESOURCE, realText());
    }

    static PassRecord restored() {
        return PassRecord.parse(RESTORED, text(RESTORED));
    }
}
