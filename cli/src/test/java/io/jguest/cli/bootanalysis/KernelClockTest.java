package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KernelClockTest {
    private static KernelClock.Sample s(double printk, double host) {
        return new KernelClock.Sample(printk, host);
    }

    @Test
    void theOffsetIsTheSmallestLagAtOrAfterEachTime() {
        // lags: 100, 120 (a late line), 105, 150, 160 (late), 150
        KernelClock c = new KernelClock(List.of(s(0, 100), s(10, 130), s(20, 125), s(100, 250), s(110, 270),
                s(120, 270)));
        assertEquals(100, c.entryOffset());
        assertEquals(100, c.offsetAt(0));
        assertEquals(105, c.offsetAt(5));
        assertEquals(105, c.offsetAt(10));
        assertEquals(150, c.offsetAt(110));
        assertEquals(150, c.offsetAt(500));
        assertEquals(150, c.finalOffset());
        assertEquals(115, c.toHost(10));
    }

    @Test
    void mappedTimesNeverGoBackwards() {
        KernelClock c = new KernelClock(List.of(s(30, 200), s(0, 150), s(10, 140), s(20, 190), s(20, 185)));
        double last = Double.NEGATIVE_INFINITY;
        for (double t = 0; t <= 40; t += 0.5) {
            double h = c.toHost(t);
            assertTrue(h >= last, "at " + t);
            last = h;
        }
        assertEquals(130, c.entryOffset());
        assertEquals(165, c.offsetAt(20)); // two lines at 20: the smaller lag counts
    }

    @Test
    void noSampleNoClock() {
        assertThrows(IllegalArgumentException.class, () -> new KernelClock(List.of()));
    }
}
