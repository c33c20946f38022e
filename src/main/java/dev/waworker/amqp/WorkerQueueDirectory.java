package dev.waworker.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.amqp.rabbit.core.RabbitOperations;

import com.rabbitmq.client.AMQP;

/**
 * Tells whether a worker's queue exists, by a passive declaration. Answers "yes" are remembered for a short
 * while, so that a burst of commands for one worker costs one broker round trip; "no" is never remembered, as
 * the worker may be starting up.
 */
final class WorkerQueueDirectory {

    static final Duration REMEMBER_EXISTING = Duration.ofSeconds(30);
    /** AMQP queue names are short strings: at most 255 bytes. No longer name can exist. */
    private static final int MAX_QUEUE_NAME_BYTES = 255;

    private final RabbitOperations rabbit;
    private final Clock clock;
    private final Map<String, Instant> existsUntil = new ConcurrentHashMap<>();

    WorkerQueueDirectory(RabbitOperations rabbit, Clock clock) {
        this.rabbit = rabbit;
        this.clock = clock;
    }

    boolean exists(String queue) {
        Instant until = existsUntil.get(queue);
        if (until != null && clock.instant().isBefore(until)) {
            return true;
        }
        if (queue.getBytes(StandardCharsets.UTF_8).length > MAX_QUEUE_NAME_BYTES) {
            return false;
        }
        boolean exists = Boolean.TRUE.equals(rabbit.execute(channel -> {
            try {
                channel.queueDeclarePassive(queue);
                return true;
            } catch (IOException e) {
                // The broker answers "no such queue" by closing the channel with 404; the template then drops
                // that channel instead of caching it.
                if (BrokerRefusal.is(e, AMQP.NOT_FOUND)) {
                    return false;
                }
                throw e;
            }
        }));
        if (exists) {
            existsUntil.put(queue, clock.instant().plus(REMEMBER_EXISTING));
        } else {
            existsUntil.remove(queue);
        }
        return exists;
    }
}
