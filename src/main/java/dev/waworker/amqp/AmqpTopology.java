package dev.waworker.amqp;

import java.util.List;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;

import dev.waworker.config.WorkerProperties;

/**
 * The queues this worker needs: the shared command queue, its own command queue, the dead-letter queue and the
 * events queue. All are durable and declared with no arguments: the backend may have declared the shared ones
 * as plain durable queues before us, and RabbitMQ refuses a re-declaration whose arguments differ.
 */
public final class AmqpTopology {

    private AmqpTopology() {
    }

    public static Declarables declarables(WorkerProperties worker) {
        WorkerProperties.Amqp amqp = worker.amqp();
        return new Declarables(List.of(
                durableQueue(amqp.commandQueue()),
                durableQueue(amqp.workerQueue(worker.id())),
                durableQueue(amqp.deadLetterQueue()),
                durableQueue(amqp.eventsQueue())));
    }

    private static Queue durableQueue(String name) {
        return new Queue(name, true, false, false, null);
    }
}
