package dev.waworker.amqp;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * One command delivered to us, to be settled exactly once: acknowledged, or handed back to the queue. Settling
 * may happen on any thread (the channel serialises its frames); when the channel has closed meanwhile, the
 * broker redelivers the message by itself, so that case is only logged.
 */
final class Delivery {

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final Channel channel;
    private final long deliveryTag;
    private final boolean redelivered;
    private final String queue;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    Delivery(Channel channel, long deliveryTag, boolean redelivered, String queue) {
        this.channel = channel;
        this.deliveryTag = deliveryTag;
        this.redelivered = redelivered;
        this.queue = queue;
    }

    /** Whether the broker delivered this message before (to us or to another consumer). */
    boolean redelivered() {
        return redelivered;
    }

    /** The broker's number for it on its channel. */
    long deliveryTag() {
        return deliveryTag;
    }

    /** The queue it came from. */
    String queue() {
        return queue;
    }

    /** Completes when the delivery has been acknowledged or handed back. */
    CompletableFuture<Void> settled() {
        return settled;
    }

    void ack() {
        settle("acknowledge", () -> channel.basicAck(deliveryTag, false));
    }

    /** Hands the message back to the queue, to be delivered again. */
    void requeue() {
        settle("requeue", () -> channel.basicNack(deliveryTag, false, true));
    }

    private interface ChannelCall {
        void run() throws IOException;
    }

    private void settle(String what, ChannelCall call) {
        if (!claimed.compareAndSet(false, true)) {
            return;
        }
        try {
            call.run();
        } catch (IOException | ShutdownSignalException e) {
            log.warn("Could not {} delivery {} from {} (the broker will deliver it again): {}", what, deliveryTag,
                    queue, e.getMessage());
        } finally {
            settled.complete(null);
        }
    }
}
