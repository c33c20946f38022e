package dev.waworker.amqp;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitOperations;

import com.rabbitmq.client.AMQP;

/**
 * Keeps this worker's own queue declared, with its expiry, while the worker lives: declaring a queue restarts its
 * {@code x-expires} countdown and recreates it if it was removed, so that only a queue whose worker is gone (or cut
 * off from the broker) for the whole expiry ever expires, even while this worker's consumers are paused.
 *
 * <p>A queue declared by an earlier version of the worker has no expiry, and RabbitMQ refuses to declare it again
 * with one (406 PRECONDITION_FAILED): a queue's arguments cannot change. The worker then goes on with the queue as
 * it is (survivors still drain and remove it when this worker dies) and says once what to do.
 */
final class OwnWorkerQueue {

    private static final Logger log = LoggerFactory.getLogger(OwnWorkerQueue.class);

    private final RabbitOperations rabbit;
    private final String queue;
    private final Duration expiry;
    private volatile boolean argumentsDiffer;

    OwnWorkerQueue(RabbitOperations rabbit, String queue, Duration expiry) {
        this.rabbit = rabbit;
        this.queue = queue;
        this.expiry = expiry;
    }

    /** Declares the queue once more; after a refusal of its arguments, does nothing. */
    void keep() {
        if (argumentsDiffer) {
            return;
        }
        try {
            rabbit.execute(channel -> channel.queueDeclare(queue, true, false, false,
                    AmqpTopology.arguments(Optional.of(expiry))));
        } catch (AmqpException e) {
            if (!BrokerRefusal.is(e, AMQP.PRECONDITION_FAILED)) {
                throw e;
            }
            argumentsDiffer = true;
            log.warn("The queue {} exists with other arguments than {}={} ms (declared by an earlier version of the "
                    + "worker, or with another worker.ownership.queue-expiry): this worker uses it as it is, and "
                    + "survivors still drain and remove it when this worker dies, but the broker will not remove it "
                    + "by itself. To give it the expiry: stop this worker, then run 'rabbitmqctl delete_queue {} "
                    + "--if-empty' (it refuses while commands wait there: start the worker to serve them, stop it, "
                    + "try again) and start the worker, which declares the queue anew; a worker started under a new "
                    + "id gets a new queue anyway", queue, AmqpTopology.EXPIRES, expiry.toMillis(), queue);
        }
    }

    /** Whether the broker refused the queue's arguments (see the class comment). */
    boolean argumentsDiffer() {
        return argumentsDiffer;
    }
}
