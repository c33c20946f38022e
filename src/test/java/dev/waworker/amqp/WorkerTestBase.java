package dev.waworker.amqp;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What a {@link WorkerIntegrationTest} works with, injected by Spring: the worker's names, the backend's end of
 * the broker, and the worker's meters (on a shared worker, count a meter as a difference from before the step).
 * Each test starts with the worker's dead-letter queue empty.
 */
abstract class WorkerTestBase {

    @Autowired
    protected TestWorker worker;

    @Autowired
    protected BackendProbe backend;

    @Autowired
    protected MeterRegistry meters;

    /** How many commands were settled with {@code outcome} (any action) so far. */
    protected double commandsSettled(String outcome) {
        return meters.find("worker.commands").tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** On a shared worker, another class's dead letters may still wait in the queue. */
    @BeforeEach
    void startWithAnEmptyDeadLetterQueue() {
        backend.admin().purgeQueue(worker.deadLetterQueue());
    }
}
