package dev.waworker.amqp;

import java.util.Arrays;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** Copies of a received command, to put on another queue as it was published. */
final class MessageCopies {

    static final String ERROR_HEADER = "x-error";
    static final String ORIGINAL_QUEUE_HEADER = "x-original-queue";
    static final String ORIGINAL_SIZE_HEADER = "x-original-size";
    /** What a truncated dead letter keeps of the body: enough to recognise the sender, little enough for a flood. */
    static final int TRUNCATED_BODY_BYTES = 1024;

    private MessageCopies() {
    }

    /**
     * The same body and properties as the sender published. Left out: {@code user_id}, which RabbitMQ refuses
     * from any connection but the one of that user, and what only describes the delivery to us (delivery tag,
     * redelivered flag, consumer).
     */
    static Message asPublished(Message received) {
        MessageProperties from = received.getMessageProperties();
        MessageProperties to = new MessageProperties();
        to.getHeaders().putAll(from.getHeaders());
        to.setContentType(from.getContentType());
        to.setContentEncoding(from.getContentEncoding());
        to.setDeliveryMode(from.getReceivedDeliveryMode());
        to.setPriority(from.getPriority());
        to.setCorrelationId(from.getCorrelationId());
        to.setReplyTo(from.getReplyTo());
        to.setExpiration(from.getExpiration());
        to.setMessageId(from.getMessageId());
        to.setTimestamp(from.getTimestamp());
        to.setType(from.getType());
        to.setAppId(from.getAppId());
        to.setClusterId(from.getClusterId());
        return new Message(received.getBody(), to);
    }

    /**
     * The copy for the dead-letter queue: as published, plus why it was refused and where it came from. Without
     * its expiration, as RabbitMQ's own dead-lettering does: a dead letter must wait for an operator.
     */
    static Message deadLetter(Message received, String error, String originalQueue) {
        Message copy = asPublished(received);
        MessageProperties properties = copy.getMessageProperties();
        properties.setExpiration(null);
        properties.setHeader(ERROR_HEADER, error);
        properties.setHeader(ORIGINAL_QUEUE_HEADER, originalQueue);
        return copy;
    }

    /**
     * The dead-letter copy of a message too large to keep: its first {@link #TRUNCATED_BODY_BYTES} bytes, and its
     * full size in {@code x-original-size}.
     */
    static Message truncatedDeadLetter(Message received, String error, String originalQueue) {
        byte[] body = received.getBody();
        Message whole = deadLetter(received, error, originalQueue);
        MessageProperties properties = whole.getMessageProperties();
        properties.setHeader(ORIGINAL_SIZE_HEADER, (long) body.length);
        return new Message(Arrays.copyOf(body, Math.min(body.length, TRUNCATED_BODY_BYTES)), properties);
    }
}
