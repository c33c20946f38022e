package dev.waworker.session;

/** What queued a step on a number's lane: the tag of {@code whatsapp.lane.failures}. */
enum LaneStep {
    COMMAND, CLIENT_EVENT, TIMER, RESTORE, SHUTDOWN;

    String tag() {
        return name().toLowerCase();
    }
}
