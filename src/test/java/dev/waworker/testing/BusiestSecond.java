package dev.waworker.testing;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** How many of some instants fall in the busiest one-second window: a rate limit checked after the fact. */
public final class BusiestSecond {

    private BusiestSecond() {
    }

    /** The most instants in any half-open window [t, t + 1 s). */
    public static int of(Collection<Instant> instants) {
        List<Instant> sorted = instants.stream().sorted().toList();
        int most = 0;
        int first = 0;
        for (int last = 0; last < sorted.size(); last++) {
            while (!sorted.get(first).plusSeconds(1).isAfter(sorted.get(last))) {
                first++;
            }
            most = Math.max(most, last - first + 1);
        }
        return most;
    }
}
