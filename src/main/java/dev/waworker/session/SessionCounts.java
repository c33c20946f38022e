package dev.waworker.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many live sessions are in each state: the lanes publish each step's move here, the gauges read it from
 * whatever thread scrapes them.
 */
final class SessionCounts {

    private final Map<SessionState, AtomicLong> counts = new EnumMap<>(SessionState.class);

    SessionCounts() {
        for (SessionState state : SessionState.values()) {
            counts.put(state, new AtomicLong());
        }
    }

    /** A step took the number from {@code before} to {@code after} (empty: no live session). */
    void moved(Optional<SessionState> before, Optional<SessionState> after) {
        if (before.equals(after)) {
            return;
        }
        before.ifPresent(state -> counts.get(state).decrementAndGet());
        after.ifPresent(state -> counts.get(state).incrementAndGet());
    }

    long count(SessionState state) {
        return counts.get(state).get();
    }
}
