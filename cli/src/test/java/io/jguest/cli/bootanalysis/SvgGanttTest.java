package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jguest.cli.bench.Stats;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgGanttTest {
    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    private static Timeline.Row row(String name, String parent, int depth, double start, double mean, double percent) {
        return new Timeline.Row(name, parent, depth, new Stats(start, 0, 2), new Stats(mean, 1.5, 2), percent, 2);
    }

    private final Timeline timeline = new Timeline(List.of(
            row("run", null, 0, -40, 3440, 100),
            row("kernel", "run", 1, 150, 1300, 37.8),
            row("initcall <odd> & \"quoted\"", "kernel", 2, 600, 120, 3.5),
            row("java", "run", 1, 1700, 1500, 43.6)), 2, List.of(), 0);

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> bars(Document d) {
        NodeList rects = d.getElementsByTagNameNS(SVG_NS, "rect");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++) {
            Element e = (Element) rects.item(i);
            if (e.getAttribute("class").equals("bar")) {
                out.add(e);
            }
        }
        return out;
    }

    private static double attr(Element e, String name) {
        return Double.parseDouble(e.getAttribute(name));
    }

    @Test
    void wellFormedSvgWithOneBarPerActivity() throws Exception {
        Document d = parse(SvgGantt.render(timeline, "boot <test>"));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertEquals(SVG_NS, d.getDocumentElement().getNamespaceURI());
        List<Element> bars = bars(d);
        assertEquals(4, bars.size());
        List<String> titles = bars.stream().map(b -> b.getElementsByTagNameNS(SVG_NS, "title").item(0).getTextContent())
                .toList();
        assertEquals("initcall <odd> & \"quoted\": start 600.0ms, 120.0ms ±1.5ms (3.5%)", titles.get(2));
        assertTrue(titles.get(0).startsWith("run: start -40.0ms, 3440.0ms ±1.5ms (100.0%)"), titles.get(0));
    }

    @Test
    void barsSitOnTheTimeAxisInTimelineOrder() throws Exception {
        SvgGantt.Axis axis = SvgGantt.axis(timeline);
        assertEquals(-40, axis.fromMs());
        assertEquals(500, axis.stepMs()); // 3440 ms / 10 -> 344 -> 500
        assertEquals(3500, axis.toMs());
        List<Element> bars = bars(parse(SvgGantt.render(timeline, "t")));
        for (int i = 0; i < bars.size(); i++) {
            Timeline.Row r = timeline.rows().get(i);
            Element b = bars.get(i);
            assertEquals(axis.x(r.start().meanMs()), attr(b, "x"), 0.05, r.name());
            assertEquals(axis.x(r.meanEndMs()) - axis.x(r.start().meanMs()), attr(b, "width"), 0.1, r.name());
            assertEquals(SvgGantt.TOP + i * SvgGantt.ROW_HEIGHT + (SvgGantt.ROW_HEIGHT - SvgGantt.BAR_HEIGHT) / 2,
                    attr(b, "y"), 0, r.name());
        }
        // proportional: java is 1500/1300 as long as the kernel
        assertEquals(1500.0 / 1300, attr(bars.get(3), "width") / attr(bars.get(1), "width"), 0.001);
        // the whole run spans the chart from its left edge
        assertEquals(axis.x0(), attr(bars.get(0), "x"), 0.05);
    }

    @Test
    void theAxisIsLabelledInMilliseconds() throws Exception {
        Document d = parse(SvgGantt.render(timeline, "t"));
        NodeList texts = d.getElementsByTagNameNS(SVG_NS, "text");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            all.add(texts.item(i).getTextContent());
        }
        for (int ms = 0; ms <= 3500; ms += 500) {
            String label = String.format(Locale.ROOT, "%dms", ms);
            assertEquals(2, all.stream().filter(label::equals).count(), label + " at the top and the bottom");
        }
        assertTrue(all.contains("initcall <odd> & \"quoted\""), all::toString);
        assertTrue(all.contains("1500.0ms ±1.5ms (43.6%)"), all::toString);
    }

    @Test
    void niceSteps() {
        assertEquals(500, SvgGantt.niceStep(344));
        assertEquals(1, SvgGantt.niceStep(0.7));
        assertEquals(200, SvgGantt.niceStep(101));
        assertEquals(1000, SvgGantt.niceStep(1000));
        assertEquals(1, SvgGantt.niceStep(0));
    }
}
