package dev.waworker.amqp;

import java.util.UUID;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory.ConfirmType;

/**
 * The real RabbitMQ the integration tests run against (localhost:5672, guest/guest, or {@code RABBITMQ_HOST} /
 * {@code RABBITMQ_PORT}). There is no fallback: a test that needs it fails when it is not there.
 */
final class RabbitBroker {

    private RabbitBroker() {
    }

    static String host() {
        return System.getenv().getOrDefault("RABBITMQ_HOST", "localhost");
    }

    static int port() {
        return Integer.parseInt(System.getenv().getOrDefault("RABBITMQ_PORT", "5672"));
    }

    /** A connection factory set up as the worker's: correlated confirms and returns. */
    static CachingConnectionFactory connectionFactory() {
        return connectionFactory(port());
    }

    /** The same, to the node at {@code port} of the broker's host. */
    static CachingConnectionFactory connectionFactory(int port) {
        CachingConnectionFactory factory = new CachingConnectionFactory(host(), port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setPublisherConfirmType(ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        return factory;
    }

    /** A queue name no other test uses. */
    static String uniqueName(String purpose) {
        return "test." + purpose + "." + UUID.randomUUID();
    }
}
