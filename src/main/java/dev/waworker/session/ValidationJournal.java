package dev.waworker.session;

/**
 * Where the session layer writes what each lane step leaves behind, before anything of it is acknowledged or
 * published: the worker's database in production (a transactional outbox, delivered by a relay that reports each
 * confirm to the {@link DeliveryNotices}), the sink directly in unit tests.
 */
public interface ValidationJournal {

    /**
     * Writes the step's record and events at once (one transaction): either both are durable or neither is.
     * Returns at once after the write; delivering the events is the journal's job from then on, in order per
     * number.
     *
     * @throws RuntimeException when the write failed: nothing of the step was recorded
     */
    void write(StepRecord step);

    /**
     * This journal, reporting the broker's confirms to {@code notices}. A journal whose deliverer reports them
     * itself (the outbox's relay) returns itself.
     */
    default ValidationJournal reportingTo(DeliveryNotices notices) {
        return this;
    }

    /**
     * A journal that keeps nothing and hands the events to {@code sink}, each number's next event once the
     * previous one settled (for tests, and for tools that need no durability).
     */
    static ValidationJournal publishingTo(EventSink sink) {
        return new PublishingJournal(sink, (numberId, eventId) -> { });
    }
}
