package dev.waworker.amqp;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.connection.CorrelationData.Confirm;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Puts one message on a queue through the default exchange and reports whether the broker took it: the returned
 * future completes when the broker confirms the message, and fails when the broker nacks it, returns it (no such
 * queue: the publish is {@code mandatory}), does not confirm it within the timeout, or cannot be reached. No
 * retries here: callers decide.
 *
 * <p>Needs a connection factory with correlated publisher confirms and publisher returns
 * ({@code spring.rabbitmq.publisher-confirm-type=correlated}, {@code spring.rabbitmq.publisher-returns=true}):
 * without them no confirm would ever arrive, so it refuses to start rather than time out on every message.
 * Spring AMQP adds two headers of its own ({@code spring_listener_return_correlation},
 * {@code spring_returned_message_correlation}) to match a returned message with its publish.
 */
public class ConfirmedSender implements QueueSender {

    private static final Logger log = LoggerFactory.getLogger(ConfirmedSender.class);
    private static final String DEFAULT_EXCHANGE = "";

    private final RabbitTemplate template;
    private final Duration confirmTimeout;

    public ConfirmedSender(ConnectionFactory connectionFactory, Duration confirmTimeout) {
        if (!connectionFactory.isPublisherConfirms() || !connectionFactory.isPublisherReturns()) {
            throw new IllegalStateException("the worker publishes with confirms and returns: set "
                    + "spring.rabbitmq.publisher-confirm-type=correlated and spring.rabbitmq.publisher-returns=true");
        }
        this.template = new RabbitTemplate(connectionFactory);
        this.template.setMandatory(true);
        // The returned message is reported through its publish's future; the callback only keeps the template
        // from warning that nobody listens for returns.
        this.template.setReturnsCallback(returned -> log.debug("Returned by the broker: {} {} (to {})",
                returned.getReplyCode(), returned.getReplyText(), returned.getRoutingKey()));
        // A broker under a memory or disk alarm blocks the connections that publish; on a connection of their
        // own, publishes cannot stall the consumers' deliveries and acknowledgements.
        this.template.setUsePublisherConnection(true);
        this.confirmTimeout = Objects.requireNonNull(confirmTimeout, "confirmTimeout");
    }

    /** {@inheritDoc} May block while the broker blocks publishers. */
    @Override
    public CompletableFuture<Void> send(String queue, Message message) {
        CorrelationData correlation = new CorrelationData();
        try {
            template.send(DEFAULT_EXCHANGE, queue, message, correlation);
        } catch (AmqpException e) {
            return CompletableFuture.failedFuture(new PublishFailedException("could not send to " + queue, e));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        correlation.getFuture()
                .orTimeout(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((confirm, failure) -> {
                    PublishFailedException problem = problem(queue, correlation, confirm, failure);
                    if (problem == null) {
                        result.complete(null);
                    } else {
                        result.completeExceptionally(problem);
                    }
                });
        return result;
    }

    /** Why the broker did not take the message, or {@code null} when it did. */
    private PublishFailedException problem(String queue, CorrelationData correlation, Confirm confirm,
            Throwable failure) {
        if (failure instanceof TimeoutException) {
            return new PublishFailedException(
                    "no confirm from the broker within " + confirmTimeout + " for a message to " + queue);
        }
        if (failure != null) {
            return new PublishFailedException("sending to " + queue + " failed", failure);
        }
        ReturnedMessage returned = correlation.getReturned();
        if (returned != null) {
            return new PublishFailedException("the broker returned a message to " + queue + ": "
                    + returned.getReplyCode() + " " + returned.getReplyText());
        }
        if (!confirm.ack()) {
            return new PublishFailedException("the broker refused a message to " + queue + ": " + confirm.reason());
        }
        return null;
    }

    /** Releases the template's resources; the connection factory stays with its owner. */
    public void close() {
        template.destroy();
    }
}
