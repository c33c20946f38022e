package dev.waworker.amqp;

import java.util.concurrent.CompletableFuture;

import org.springframework.amqp.core.Message;

/** Puts a message on a named queue and tells when the broker has it. */
public interface QueueSender {

    /**
     * @return completes once the broker confirmed the message; fails with {@link PublishFailedException} when it
     *         did not take it
     */
    CompletableFuture<Void> send(String queue, Message message);
}
