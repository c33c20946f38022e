package dev.waworker.session;

/**
 * {@link ValidationJournal#publishingTo}: keeps nothing, publishes each number's events one after the other to the
 * sink and reports each confirm to the notices.
 */
final class PublishingJournal implements ValidationJournal {

    private final EventSink sink;
    private final DeliveryNotices notices;
    private final SerialLanes publications = new SerialLanes(Runnable::run);

    PublishingJournal(EventSink sink, DeliveryNotices notices) {
        this.sink = sink;
        this.notices = notices;
    }

    @Override
    public void write(StepRecord step) {
        for (StepRecord.Owed owed : step.events()) {
            publications.submit(step.numberId(), () -> sink.publish(owed.event()))
                    .thenRun(() -> notices.delivered(step.numberId(), owed.eventId()));
        }
    }

    @Override
    public ValidationJournal reportingTo(DeliveryNotices newNotices) {
        return new PublishingJournal(sink, newNotices);
    }
}
