package io.jguest.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch documents: each image's entry is the single-image document's content (its exact text is
 * checked by InspectionXmlTest and InspectionJsonTest), failures an attribute.
 */
class BatchDocumentTest {
    private static final List<BatchResult> TWO = List.of(
            BatchResult.inspected("vm1.img", OsView.of(Reports.report(Reports.LINUX), Reports.FILESYSTEMS), List.of()),
            BatchResult.failed("missing \"2\".img", "missing \"2\".img: no such file", List.of()));

    /** The single-image document of vm1.img, as {@code guest-inspect -a vm1.img} prints it. */
    private static final List<OsView> VM1 = OsView.of(Reports.report(Reports.LINUX), Reports.FILESYSTEMS);

    /** {@code text}'s lines from {@code from} (0-based) to {@code lines - drop}, indented by {@code spaces}. */
    private static String lines(String text, int from, int drop, int spaces) {
        List<String> all = text.lines().toList();
        StringBuilder b = new StringBuilder();
        for (String l : all.subList(from, all.size() - drop)) {
            b.append(" ".repeat(spaces)).append(l).append('\n');
        }
        return b.toString();
    }

    @Test
    void xmlWrapsEachImagesOperatingSystemsInAGuest() {
        String single = InspectionXml.write(VM1); // <?xml ...?>, then <operatingsystems>...</operatingsystems>
        assertEquals("<?xml version=\"1.0\"?>\n<guests>\n  <guest image=\"vm1.img\">\n"
                + lines(single, 1, 0, 4)
                + "  </guest>\n"
                + "  <guest image=\"missing &quot;2&quot;.img\" error=\"missing &quot;2&quot;.img: no such file\"/>\n"
                + "</guests>\n", InspectionXml.writeBatch(TWO));
    }

    @Test
    void jsonHasTheSameStructure() {
        String single = InspectionJson.write(VM1); // {, "operatingsystems": [...], }
        assertEquals("{\n  \"guests\": [\n    {\n      \"image\": \"vm1.img\",\n"
                + lines(single, 1, 1, 4)
                + "    },\n    {\n      \"image\": \"missing \\\"2\\\".img\",\n"
                + "      \"error\": \"missing \\\"2\\\".img: no such file\"\n    }\n  ]\n}\n",
                InspectionJson.writeBatch(TWO));
    }

    @Test
    void aGuestWithoutOperatingSystemsAndAnEmptyBatch() {
        assertEquals("""
                <?xml version="1.0"?>
                <guests>
                  <guest image="a.img">
                    <operatingsystems/>
                  </guest>
                </guests>
                """, InspectionXml.writeBatch(List.of(BatchResult.inspected("a.img", List.of(), List.of()))));
        assertEquals("<?xml version=\"1.0\"?>\n<guests/>\n", InspectionXml.writeBatch(List.of()));
        assertEquals("{\n  \"guests\": []\n}\n", InspectionJson.writeBatch(List.of()));
    }
}
