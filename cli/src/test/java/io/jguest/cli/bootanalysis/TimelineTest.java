package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final double EPS = 1e-6;
    private static final double SD_10_APART = Math.sqrt(200); // two samples 20 apart: sample sd

    private static Activity a(String name, String parent, double start, double end) {
        return new Activity(name, parent, start, end, false);
    }

    private static Activity detail(String name, String parent, double start, double end) {
        return new Activity(name, parent, start, end, true);
    }

    private final Timeline timeline = Timeline.of(List.of(
            new PassTimeline(List.of(
                    a("run", null, -10, 990),
                    a("kernel", "run", 0, 400),
                    a("kernel:x", "kernel", 100, 200),
                    detail("initcall a", "kernel", 50, 50.5),
                    detail("initcall b", "kernel", 60, 63),
                    detail("probe q", "initcall a", 50, 55), // asynchronous: outlives its initcall
                    a("java", "run", 400, 900)), List.of("x")),
            new PassTimeline(List.of(
                    a("run", null, -10, 1010),
                    a("kernel", "run", 0, 420),
                    a("kernel:x", "kernel", 100, 220),
                    detail("initcall a", "kernel", 50, 51),
                    detail("initcall b", "kernel", 60, 62),
                    a("java", "run", 420, 900)), List.of("x", "y", "y"))));

    private Timeline.Row row(String name) {
        return timeline.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void meanStartMeanDurationAndSampleSd() {
        Timeline.Row k = row("kernel");
        assertEquals(0, k.start().meanMs(), EPS);
        assertEquals(410, k.duration().meanMs(), EPS);
        assertEquals(SD_10_APART, k.duration().sdMs(), EPS);
        assertEquals(2, k.passes());
        Timeline.Row java = row("java");
        assertEquals(410, java.start().meanMs(), EPS);
        assertEquals(SD_10_APART, java.start().sdMs(), EPS);
        assertEquals(490, java.duration().meanMs(), EPS);
    }

    @Test
    void percentIsOfTheWholeRun() {
        assertEquals(1010, timeline.whole().duration().meanMs(), EPS);
        assertEquals(100, timeline.whole().percent(), EPS);
        assertEquals(100.0 * 410 / 1010, row("kernel").percent(), EPS);
        assertEquals(100.0 * 110 / 1010, row("kernel:x").percent(), EPS);
    }

    @Test
    void rowsAreATreeInTimelineOrder() {
        assertEquals(List.of("run/0", "kernel/1", "probe q/2", "initcall b/2", "kernel:x/2", "java/1"),
                timeline.rows().stream().map(r -> r.name() + "/" + r.depth()).toList());
        assertEquals("kernel", row("probe q").parent()); // its initcall was dropped: it hangs from the next one up
        assertEquals("run", row("java").parent());
    }

    @Test
    void shortDetailsAreDroppedAndCounted() {
        assertEquals(1, timeline.detailsDropped()); // initcall a: 0.75 ms on average
        assertEquals(2.5, row("initcall b").duration().meanMs(), EPS);
        assertEquals(1, row("probe q").passes());
    }

    @Test
    void notesAreCountedOverThePasses() {
        assertEquals(List.of("x", "y (1 of 2 passes)"), timeline.notes());
    }

    @Test
    void theLongestLeaveTheRootOut() {
        assertEquals(List.of("java", "kernel", "kernel:x"),
                timeline.longest(3).stream().map(Timeline.Row::name).toList());
    }

    @Test
    void onlyOneRoot() {
        assertThrows(IllegalArgumentException.class, () -> Timeline.of(List.of(new PassTimeline(List.of(
                a("run", null, 0, 10), a("other", null, 0, 5)), List.of()))));
        assertThrows(IllegalArgumentException.class, () -> Timeline.of(List.of()));
    }
}
