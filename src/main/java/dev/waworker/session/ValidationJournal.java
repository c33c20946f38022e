package dev.waworker.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the session layer writes what each lane step leaves behind, before anything of it is acknowledged or
 * published: the worker's database in production (a transactional outbox), the sink directly in unit tests.
 */
public interface ValidationJournal {

    /**
     * Writes the step's record and events at once (one transaction): either both are durable or neither is.
     * Returns at once after the write; delivering the events is the journal's job from then on, in order per
     * number.
     *
     * @return per event, a stage that completes when the broker confirmed it (it may never complete if the
     *         worker stops first: the event is then delivered by the next start)
     * @throws RuntimeException when the write failed: nothing of the step was recorded
     */
    List<CompletionStage<Void>> write(StepRecord step);

    /**
     * A journal that keeps nothing and hands the events to {@code sink}, each number's next event once the
     * previous one settled (for tests, and for tools that need no durability).
     */
    static ValidationJournal publishingTo(EventSink sink) {
        SerialLanes publications = new SerialLanes(Runnable::run);
        return step -> {
            List<CompletionStage<Void>> confirms = new ArrayList<>();
            for (WorkerEvent event : step.events()) {
                CompletableFuture<Void> confirm = publications.submit(step.numberId(), () -> sink.publish(event));
                confirms.add(confirm);
            }
            return confirms;
        };
    }
}
