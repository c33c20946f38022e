package dev.waworker.amqp;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Registers {@code worker.events.published} and {@code worker.events.failed} for every event action at zero when the
 * worker starts. A counter appears in {@code /actuator/prometheus} only once registered, so without this a worker
 * that never failed to publish would have no {@code worker_events_failed_total} at all, and a dashboard or alert
 * on it would show "no data" rather than 0. The publisher increments these same counters (same name and tags).
 */
final class EventMeterBaseline {

    /** The {@code action} of every event of the contract (docs/asyncapi.yaml's event messages). */
    static final List<String> ACTIONS =
            List.of("qr_generated", "pairing_code", "qr_regenerating", "connected", "disconnected", "error",
                    "status", "status_end");

    private EventMeterBaseline() {
    }

    static void register(MeterRegistry meters) {
        for (String action : ACTIONS) {
            meters.counter("worker.events.published", "action", action);
            meters.counter("worker.events.failed", "action", action);
        }
    }
}
