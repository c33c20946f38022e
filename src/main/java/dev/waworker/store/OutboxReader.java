package dev.waworker.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** What the relay needs of the outbox: the events owed, in order, and a way to strike off those delivered. */
public interface OutboxReader {

    /**
     * The oldest events owed, at most {@code limit}, in the order they were written (or taken over), each with its
     * number's lease holder as of now.
     */
    List<OwedEvent> owed(int limit);

    /**
     * Of the oldest {@code limit} events owed, those not in {@code known}, in the same order: what a relay that has
     * {@code known} on their way already has yet to send. Only the new events' bodies are read.
     */
    default List<OwedEvent> owedExcept(int limit, Set<String> known) {
        return owed(limit).stream().filter(event -> !known.contains(event.eventId())).toList();
    }

    /** The broker confirmed these events: they are owed no more. */
    void delivered(Collection<String> eventIds);

    /**
     * These events were written under a lease their worker had lost (see {@link OwedEvent#writtenUnderALostLease}):
     * they are stale and are dropped unpublished.
     */
    void fencedOff(Collection<String> eventIds);

    /** How many events are owed. */
    long owedCount();

    /**
     * Waits until events were written (or {@link #wake()} was called), at most {@code timeout}.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void awaitWritten(Duration timeout) throws InterruptedException;

    /** Ends a wait in {@link #awaitWritten} at once. */
    void wake();
}
