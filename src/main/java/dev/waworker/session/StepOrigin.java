package dev.waworker.session;

import java.util.Optional;

/**
 * Where a lane task came from: what queued it (the tag of its failures) and whose it is, enough to label its log
 * lines and to answer for it when it fails.
 */
record StepOrigin(LaneStep step, long numberId, String sessionId, Optional<String> correlationId) {

    static StepOrigin of(LiveSession live, LaneStep step) {
        NumberSession state = live.state;
        return new StepOrigin(step, state.numberId(), state.sessionId(), state.correlationId());
    }
}
