package dev.waworker.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one lane step of a number leaves behind: what becomes of its session's record, the events it owes the
 * backend, in order, and, when the step changed where the number stands, its new {@link NumberStatus} (what a
 * {@code status} request answered from the database reports).
 */
public record StepRecord(long numberId, Change change, List<Owed> events, Optional<NumberStatus> status) {

    public StepRecord {
        events = List.copyOf(events);
        Objects.requireNonNull(status, "status");
    }

    /** A step that leaves the number's status as it was recorded. */
    public StepRecord(long numberId, Change change, List<Owed> events) {
        this(numberId, change, events, Optional.empty());
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
