package dev.waworker.amqp;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * A connection to the test broker ({@link RabbitBroker}) for one test class that talks to RabbitMQ without a worker:
 * {@code @RegisterExtension static final BrokerClient BROKER = new BrokerClient();}. Opened before the class's
 * first test (and before its instances are made), closed after its last.
 */
final class BrokerClient implements BeforeAllCallback, AfterAllCallback {

    private CachingConnectionFactory connectionFactory;
    private RabbitAdmin admin;

    @Override
    public void beforeAll(ExtensionContext context) {
        connectionFactory = RabbitBroker.connectionFactory();
        admin = new RabbitAdmin(connectionFactory);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        connectionFactory.destroy();
    }

    CachingConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    RabbitAdmin admin() {
        return admin;
    }
}
