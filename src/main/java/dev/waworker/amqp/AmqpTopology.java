package dev.waworker.amqp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;

import dev.waworker.config.WorkerProperties;

/**
 * The queues this worker needs: the shared command queue, its own command queue, the dead-letter queue and the
 * events queue. All are durable. The shared ones are declared with no arguments: the backend may have declared them
 * as plain durable queues before us, and RabbitMQ refuses a re-declaration whose arguments differ. The worker's own
 * queue is the worker's alone: with several workers on one database it carries an expiry ({@code x-expires}), so
 * that the broker removes it once nobody consumes or declares it, should no survivor drain it.
 */
public final class AmqpTopology {

    /** The broker deletes a queue unused (no consumer, no declaration) for this many milliseconds. */
    static final String EXPIRES = "x-expires";

    private AmqpTopology() {
    }

    /** @param workerQueueExpiry the own queue's {@code x-expires}; empty: none (one worker on its own database) */
    public static Declarables declarables(WorkerProperties worker, Optional<Duration> workerQueueExpiry) {
        WorkerProperties.Amqp amqp = worker.amqp();
        return new Declarables(List.of(
                durableQueue(amqp.commandQueue()),
                workerQueue(amqp.workerQueue(worker.id()), workerQueueExpiry),
                durableQueue(amqp.deadLetterQueue()),
                durableQueue(amqp.eventsQueue())));
    }

    static Queue workerQueue(String name, Optional<Duration> expiry) {
        return new Queue(name, true, false, false, arguments(expiry));
    }

    /** The arguments of a worker's own queue, as {@code queue.declare} takes them. */
    static Map<String, Object> arguments(Optional<Duration> expiry) {
        return expiry.<Map<String, Object>>map(after -> Map.of(EXPIRES, Math.toIntExact(after.toMillis())))
                .orElse(Map.of());
    }

    private static Queue durableQueue(String name) {
        return new Queue(name, true, false, false, null);
    }
}
