package dev.waworker.store;

import java.time.Instant;
import java.util.Optional;

/**
 * An event in the outbox, owed to the backend until the broker confirms it.
 *
 * @param body        the message body, as {@link EventEncoder} wrote it (the {@code eventId} inside)
 * @param storedAt    when it was written, to measure what the outbox adds to its delivery
 * @param leaseHolder the worker whose lease on the number the event was written under (or that took the number
 *                    over with it); empty for an event no lease stands behind, such as the answer to a refused
 *                    command
 * @param numberOwner the worker that holds, or held last, the number's lease when the event was read (shared
 *                    database only); empty when no worker ever claimed the number
 */
public record OwedEvent(String eventId, long numberId, long seq, String action, Instant occurredAt,
        Optional<String> correlationId, String body, Instant storedAt, Optional<String> leaseHolder,
        Optional<String> numberOwner) {

    /**
     * Whether the number went to another worker than the one whose lease the event was written under: that worker
     * had lost the number when it wrote it (a partition from the database, a long pause), since a new owner takes the
     * events owed until then along with the number. Such an event is stale and is never published.
     */
    public boolean writtenUnderALostLease() {
        return leaseHolder.isPresent() && numberOwner.isPresent() && !leaseHolder.equals(numberOwner);
    }

    /** The same event with its body (read apart from its heading, see {@link JdbcOutboxReader#owedExcept}). */
    OwedEvent withBody(String body) {
        return new OwedEvent(eventId, numberId, seq, action, occurredAt, correlationId, body, storedAt, leaseHolder,
                numberOwner);
    }

    @Override
    public String toString() {
        // The body may hold a QR or a pairing code: credentials stay out of logs.
        return "OwedEvent[" + eventId + ", number " + numberId + ", " + action + ", seq " + seq + "]";
    }
}
