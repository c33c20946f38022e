package dev.waworker.amqp;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.waworker.store.OwedEvent;

/**
 * The relay's per-number order: which of the events it has taken from the outbox may go to the broker now. A number
 * has at most one event on its way (sent, not yet confirmed); its later events wait, in the order they were taken,
 * until that one is confirmed. Other numbers do not wait for it: their events go at once. A confirmed event stays
 * taken until the relay has struck it off the outbox, so that it is not read as owed again. Decides only: the
 * {@link OutboxRelay} sends what it is told. Used by the relay's one thread, so not thread-safe.
 */
final class PerNumberSends {

    /** Per number with events taken: the first is on its way, the others wait behind it. */
    private final Map<Long, ArrayDeque<OwedEvent>> byNumber = new HashMap<>();
    private final Set<String> taken = new HashSet<>();

    /**
     * Takes an event read from the outbox (events of one number in the order they were written).
     *
     * @return the event, when it may be sent now (no other event of its number is on its way)
     */
    Optional<OwedEvent> take(OwedEvent event) {
        if (!taken.add(event.eventId())) {
            throw new IllegalArgumentException(event + " was taken already");
        }
        ArrayDeque<OwedEvent> events = byNumber.computeIfAbsent(event.numberId(), number -> new ArrayDeque<>());
        events.addLast(event);
        return events.size() == 1 ? Optional.of(event) : Optional.empty();
    }

    /**
     * The broker confirmed {@code event} (the one on its way for its number). It stays taken until it is
     * {@link #struckOff}: until then it is still in the outbox, and must not be sent again.
     *
     * @return the number's next event, which may be sent now
     */
    Optional<OwedEvent> confirmed(OwedEvent event) {
        ArrayDeque<OwedEvent> events = onItsWay(event);
        events.removeFirst();
        if (events.isEmpty()) {
            byNumber.remove(event.numberId());
            return Optional.empty();
        }
        return Optional.of(events.getFirst());
    }

    /** These confirmed events are deleted from the outbox (or could not be, and are to be sent again). */
    void struckOff(Collection<String> eventIds) {
        taken.removeAll(eventIds);
    }

    /**
     * {@code event} was not confirmed: it and the events of its number waiting behind it are let go (they stay in
     * the outbox, to be taken again in their order).
     */
    void failed(OwedEvent event) {
        onItsWay(event);
        byNumber.remove(event.numberId()).forEach(gone -> taken.remove(gone.eventId()));
    }

    /**
     * Lets go every event that waits (not sent yet), of all numbers: while the broker is away only the events on
     * their way stay taken.
     *
     * @return how many were let go
     */
    int letWaitingGo() {
        int released = 0;
        for (ArrayDeque<OwedEvent> events : byNumber.values()) {
            while (events.size() > 1) {
                taken.remove(events.removeLast().eventId());
                released++;
            }
        }
        return released;
    }

    /** The ids of every event taken: on its way, waiting, or confirmed and not struck off yet. */
    Set<String> taken() {
        return Collections.unmodifiableSet(taken);
    }

    /** How many events are taken. */
    int size() {
        return taken.size();
    }

    /** How many events are on their way (one per number at most). */
    int onTheirWay() {
        return byNumber.size();
    }

    /** The events on their way, for a test or a log line. */
    List<OwedEvent> sent() {
        return byNumber.values().stream().map(ArrayDeque::getFirst).toList();
    }

    private ArrayDeque<OwedEvent> onItsWay(OwedEvent event) {
        ArrayDeque<OwedEvent> events = byNumber.get(event.numberId());
        if (events == null || !events.getFirst().eventId().equals(event.eventId())) {
            throw new IllegalStateException(event + " is not on its way");
        }
        return events;
    }
}
