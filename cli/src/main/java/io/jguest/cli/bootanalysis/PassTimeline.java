package io.jguest.cli.bootanalysis;

import java.util.List;

/**
 * The activities found in one pass, and what could not be found (a missing marker: the activity is
 * left out and a note says why).
 *
 * @param activities in the order found; exactly one has no parent (the root, {@code run})
 * @param notes      one line each
 */
public record PassTimeline(List<Activity> activities, List<String> notes) {
    public PassTimeline {
        activities = List.copyOf(activities);
        notes = List.copyOf(notes);
    }
}
