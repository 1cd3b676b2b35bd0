package io.jguest.cli.bootanalysis;

import java.util.Objects;

/**
 * One activity of one pass: something that started and ended, in milliseconds since qemu started.
 *
 * @param name    unique within a pass ({@code kernel}, {@code /init:insmod virtio_blk},
 *                {@code initcall acpi_init}); the same name in every pass
 * @param parent  the activity it is part of, or null for the root ({@code run})
 * @param startMs start
 * @param endMs   end (not before the start)
 * @param detail  one of many small kernel activities (initcalls, probes): kept only when its mean
 *                duration is over {@link Timeline#DETAIL_MIN_MS}
 */
public record Activity(String name, String parent, double startMs, double endMs, boolean detail) {
    public Activity {
        Objects.requireNonNull(name, "name");
        if (endMs < startMs) {
            throw new IllegalArgumentException(name + ": ends (" + endMs + ") before it starts (" + startMs + ")");
        }
    }

    public double durationMs() {
        return endMs - startMs;
    }
}
