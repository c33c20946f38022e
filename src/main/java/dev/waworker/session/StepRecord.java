package dev.waworker.session;

import java.util.List;
import java.util.Objects;

/**
 * What one lane step of a number leaves behind: what becomes of its session's record, and the events it owes the
 * backend, in order.
 */
public record StepRecord(long numberId, Change change, List<Owed> events) {

    public StepRecord {
        events = List.copyOf(events);
    }

    /**
     * An event the step owes the backend, under the id the session gave it: the broker's confirm names that id
     * back (see {@link DeliveryNotices}), and a redelivery after a crash carries it again.
     */
    public record Owed(String eventId, WorkerEvent event) {
        public Owed {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(event, "event");
        }
    }

    /** What the step does to the number's record. */
    public sealed interface Change {
        /** The number has a live session: its record is this. */
        record Save(ValidationRecord validation) implements Change {
        }

        /** The number has no live session any more (or never had one): no record. */
        record Delete() implements Change {
        }

        /** The record stays as it is (the worker stopping releases clients but ends no validation). */
        record Keep() implements Change {
        }
    }
}
