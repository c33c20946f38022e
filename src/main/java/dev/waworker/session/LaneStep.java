package dev.waworker.session;

/** What queued a step on a number's lane: the tag of {@code whatsapp.lane.failures}. */
enum LaneStep {
    COMMAND, CLIENT_EVENT, TIMER, RESTORE, SHUTDOWN,
    /** The broker confirmed an event of the number. */
    DELIVERY,
    /** The backend asked where the number stands. */
    STATUS;

    /**
     * Whether the step's end writes the number's record. Stopping releases clients but ends no validation (the
     * record must stay for the next start); a delivery or a status request changes nothing that is kept.
     */
    boolean changesRecord() {
        return this != SHUTDOWN && this != DELIVERY && this != STATUS;
    }

    String tag() {
        return name().toLowerCase();
    }
}
