package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jguest.api.Explanation;
import io.jguest.api.InspectedOs;
import io.jguest.api.InspectionReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationPrinterTest {
    private static final String DISTRO_TEXT = """
            distro("/dev/sda2", "debian")   <- rule at inspection.rules:40: distro(Fs, D) :- os_release_id(Fs, D).
              os_release_id("/dev/sda2", "debian")   <- built-in
            """;

    @Test
    void conclusionsAreGroupedPerRootWithTheirDerivationsIndented() {
        InspectedOs other = new InspectedOs("/dev/sdb1", "linux", null, null, null, 0, 0, null, null, null, null, null,
                null, null, List.of(), List.of(), List.of());
        InspectionReport r = new InspectionReport(List.of(Reports.LINUX, other), List.of(), List.of(
                new Explanation("distro(\"/dev/sda2\", \"debian\")", DISTRO_TEXT),
                new Explanation("os_type(\"/dev/sdb1\", \"linux\")", "os_type(\"/dev/sdb1\", \"linux\")   <- input\n"),
                new Explanation("root(\"/dev/sda2\")", "root(\"/dev/sda2\")   <- input"),
                new Explanation("windows_letters_known", "windows_letters_known   <- fact at inspection.rules:3\n")));
        assertEquals("""

                Explanations for /dev/sda2:
                  distro("/dev/sda2", "debian")   <- rule at inspection.rules:40: distro(Fs, D) :- os_release_id(Fs, D).
                    os_release_id("/dev/sda2", "debian")   <- built-in
                  root("/dev/sda2")   <- input

                Explanations for /dev/sdb1:
                  os_type("/dev/sdb1", "linux")   <- input

                Other explanations:
                  windows_letters_known   <- fact at inspection.rules:3
                """, ExplanationPrinter.render(r));
    }

    @Test
    void nothingToExplainPrintsNothing() {
        assertEquals("", ExplanationPrinter.render(Reports.report(Reports.LINUX)));
    }

    @Test
    void firstArgumentIsUnquotedAndUnescaped() {
        assertEquals("/dev/sda2", ExplanationPrinter.firstArgument("distro(\"/dev/sda2\", \"debian\")"));
        assertEquals("a\"b\\c", ExplanationPrinter.firstArgument("p(\"a\\\"b\\\\c\")"));
        assertNull(ExplanationPrinter.firstArgument("flag"));
        assertNull(ExplanationPrinter.firstArgument("p(X)"));
        assertNull(ExplanationPrinter.firstArgument("p(\"unterminated"));
    }
}
