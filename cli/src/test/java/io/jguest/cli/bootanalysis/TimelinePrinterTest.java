package io.jguest.cli.bootanalysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jguest.cli.bench.Stats;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelinePrinterTest {
    private static Timeline.Row row(String name, String parent, int depth, double start, double mean, double sd,
                                    double percent, int passes) {
        return new Timeline.Row(name, parent, depth, new Stats(start, 0, passes), new Stats(mean, sd, passes), percent,
                passes);
    }

    @Test
    void aSmallModelExactly() {
        Timeline t = new Timeline(List.of(
                row("run", null, 0, -40.04, 3400, 120.44, 100, 3),
                row("kernel", "run", 1, 150, 1300.25, 20, 38.2, 3),
                row("kernel:early", "kernel", 2, 150, 280, 5.5, 8.2, 3),
                row("initcall acpi_init", "kernel", 2, 600, 120.5, 3, 3.5, 2),
                row("java", "run", 1, 1700, 1500, 60, 44.1, 3)),
                3, List.of("modules: no end marker (still running at shutdown?): left out"), 12);
        assertEquals("""
                Timeline of the mean pass (3 passes; start in ms since qemu started; duration mean ±sd; % of the whole run)

                     start  activity                         duration       %
                   -40.0ms  run                     3400.0ms ±120.4ms  100.0%
                   150.0ms    kernel                 1300.3ms ±20.0ms   38.2%
                   150.0ms      kernel:early           280.0ms ±5.5ms    8.2%
                   600.0ms      initcall acpi_init     120.5ms ±3.0ms    3.5%  (2 of 3 passes)
                  1700.0ms    java                   1500.0ms ±60.0ms   44.1%

                Longest activities:

                   1.  java     1500.0ms ±60.0ms   44.1%
                   2.  kernel   1300.3ms ±20.0ms   38.2%

                Notes:
                  - 12 initcalls and probes of 1 ms or less on average are not shown
                  - modules: no end marker (still running at shutdown?): left out
                """, TimelinePrinter.render(t, 2));
    }
}
