package io.jguest.appliance;

import java.util.List;

/**
 * The appliance's serial console as the host received it, with arrival times, for boot analysis
 * ({@code scripts/boot-analysis}). Line times count from qemu's start, the origin of
 * {@link LaunchReport#qemuToHello()}; {@code qemuStartNanos} relates them to the caller's own
 * {@link System#nanoTime()} readings (for example when it called {@link Guest#launch}).
 *
 * @param qemuStartNanos {@link System#nanoTime()} just before qemu was started
 * @param lines          the lines received so far (the first 20000), in arrival order
 */
public record ConsoleCapture(long qemuStartNanos, List<Line> lines) {
    /** Nothing captured (a guest that keeps no console). */
    public static final ConsoleCapture EMPTY = new ConsoleCapture(0, List.of());

    public ConsoleCapture {
        lines = List.copyOf(lines);
    }

    /**
     * One console line without its line ending.
     *
     * @param nanos when the host read it, in nanoseconds after qemu's start
     * @param text  the line, carriage returns removed
     */
    public record Line(long nanos, String text) {
    }
}
