package dev.waworker.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The outbox's counters that several classes increment: declared once, so that their description is one. */
public final class OutboxMeters {

    private OutboxMeters() {
    }

    /**
     * {@code worker.outbox.fenced}: events never published because they were written, or were about to be, under a
     * lease another worker holds now.
     */
    public static Counter fenced(MeterRegistry meters) {
        return Counter.builder("worker.outbox.fenced")
                .description("Events not published: written, or about to be, under a lease another worker holds now")
                .register(meters);
    }
}
