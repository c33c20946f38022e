package dev.waworker.store;

import java.time.Instant;
import java.util.Optional;

/**
 * An event in the outbox, owed to the backend until the broker confirms it.
 *
 * @param body     the message body, as {@link EventEncoder} wrote it (the {@code eventId} inside)
 * @param storedAt when it was written, to measure what the outbox adds to its delivery
 */
public record OwedEvent(String eventId, long numberId, long seq, String action, Instant occurredAt,
        Optional<String> correlationId, String body, Instant storedAt) {

    @Override
    public String toString() {
        // The body may hold a QR or a pairing code: credentials stay out of logs.
        return "OwedEvent[" + eventId + ", number " + numberId + ", " + action + ", seq " + seq + "]";
    }
}
