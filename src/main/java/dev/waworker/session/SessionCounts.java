package dev.waworker.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many live sessions are in each state: the lane runner reports here each session it opens, ends or moves to
 * another state, the gauges read it from whatever thread scrapes them.
 */
final class SessionCounts {

    private final Map<SessionState, AtomicLong> counts = new EnumMap<>(SessionState.class);

    SessionCounts() {
        for (SessionState state : SessionState.values()) {
            counts.put(state, new AtomicLong());
        }
    }

    void opened(SessionState state) {
        counts.get(state).incrementAndGet();
    }

    void ended(SessionState state) {
        counts.get(state).decrementAndGet();
    }

    void moved(SessionState before, SessionState after) {
        if (before != after) {
            ended(before);
            opened(after);
        }
    }

    long count(SessionState state) {
        return counts.get(state).get();
    }
}
