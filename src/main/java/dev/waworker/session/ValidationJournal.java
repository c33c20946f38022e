package dev.waworker.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
     * Writes the step as {@link #write} does, without waiting for it: the stage completes once the step is durable
     * (exceptionally when its write failed, and then nothing of it was recorded). A journal may write the steps of
     * several numbers handed over meanwhile in one transaction (group commit); a number's next step is handed over
     * only once its previous one completed, so each number's order is kept. The default writes at once.
     */
    default CompletionStage<Void> writeAsync(StepRecord step) {
        try {
            write(step);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }

    /**
     * Writes answers at once (one transaction), in order: steps that change no record and stand under no lease, such
     * as a page of a resync or its {@code status_end}. The default writes them one by one.
     */
    default void writeAnswers(List<StepRecord> answers) {
        answers.forEach(this::write);
    }

    /**
     * Where the number stands as the database recorded it, by whichever worker sharing it wrote last: its live
     * session's status, or how its last session ended. Empty when no worker ever recorded the number (and for a
     * journal that keeps nothing).
     */
    default Optional<NumberStatus> recordedStatus(long numberId) {
        return Optional.empty();
    }

    /**
     * A page of the recorded statuses of all numbers (one per number), in {@code numberId} order: up to
     * {@code limit} of the numbers above {@code afterNumberId}.
     */
    default List<NumberStatus> recordedStatuses(long afterNumberId, int limit) {
        return List.of();
    }

    /**
     * Whether the broker confirmed all these events (none is owed any more). A journal that keeps nothing hands its
     * events on at once: it says yes.
     */
    default boolean delivered(Collection<String> eventIds) {
        return true;
    }

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
