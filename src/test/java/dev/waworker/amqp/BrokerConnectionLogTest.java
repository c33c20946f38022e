package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;

import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;

import dev.waworker.testing.LogCapture;
import dev.waworker.testing.ManualClock;

/**
 * A lost broker is one WARN (how often it is retried included) and its return one INFO, without stack traces;
 * Spring AMQP's lines about each attempt are held back only while it is lost; a queue declaration the broker
 * refuses is not logged a second time as an ERROR.
 */
class BrokerConnectionLogTest {

    private static final String CONTAINER = "org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer";
    private static final String FACTORY = "org.springframework.amqp.rabbit.connection.CachingConnectionFactory";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final BrokerConnectionLog connection = new BrokerConnectionLog("localhost:5672", Duration.ofSeconds(1), clock);

    @Test
    void aLostBrokerIsOneWarnAndItsReturnOneInfo() {
        try (LogCapture log = LogCapture.of(BrokerConnectionLog.class)) {
            connection.onShutDown(closedByTheBroker());
            for (int attempt = 0; attempt < 5; attempt++) {
                clock.advance(Duration.ofSeconds(1));
                connection.onFailed(refused());
            }
            clock.advance(Duration.ofSeconds(2));
            connection.onCreate(null);

            assertThat(log.messagesAboveDebug()).containsExactly(
                    "Lost the broker localhost:5672: connection error; protocol method: #method<connection.close>"
                            + "(reply-code=320, reply-text=CONNECTION_FORCED - broker forced connection closure with"
                            + " reason 'shutdown', class-id=0, method-id=0). Reconnecting every 1 s; commands wait in"
                            + " their queues and events in the outbox until it is back",
                    "Connected to the broker localhost:5672 again after 7 s (5 failed attempts)");
            assertThat(log.anyThrowable()).isFalse();
        }
    }

    @Test
    void aBrokerAbsentAtStartUpIsOneWarnNamingTheCause() {
        try (LogCapture log = LogCapture.of(BrokerConnectionLog.class)) {
            connection.onFailed(refused());
            connection.onFailed(refused());

            assertThat(log.messagesAboveDebug()).containsExactly("Lost the broker localhost:5672: Connection refused."
                    + " Reconnecting every 1 s; commands wait in their queues and events in the outbox until it is back");
            assertThat(connection.retrying()).isTrue();
        }
    }

    @Test
    void aConnectionTheWorkerClosesItselfIsNoLoss() {
        try (LogCapture log = LogCapture.of(BrokerConnectionLog.class)) {
            connection.onShutDown(new ShutdownSignalException(true, true, new AMQImpl.Connection.Close(200, "OK", 0, 0), null));

            assertThat(log.messagesAboveDebug()).isEmpty();
            assertThat(connection.retrying()).isFalse();
        }
    }

    @Test
    void springAmqpsRetryLinesAreHeldBackOnlyWhileTheBrokerIsLost() throws Exception {
        Logger container = LoggerFactory.getLogger(CONTAINER);
        Logger factory = LoggerFactory.getLogger(FACTORY);
        Logger ours = LoggerFactory.getLogger(BrokerConnectionLogTest.class);
        try (AutoCloseable filter = BrokerRetryLogFilter.install(connection);
                LogCapture containerLines = LogCapture.named(CONTAINER);
                LogCapture factoryLines = LogCapture.named(FACTORY);
                LogCapture ourLines = LogCapture.of(BrokerConnectionLogTest.class)) {
            container.info("SimpleConsumer started");
            container.error("Consumer canceled - channel closed SimpleConsumer [queue=whatsapp.session.update]");
            connection.onShutDown(closedByTheBroker());
            container.error("Cannot connect to server or create channel", refused());
            factory.info("Attempting to connect to: [localhost:5672]");
            ours.warn("a line of the worker's own");
            connection.onCreate(null);
            container.info("SimpleConsumer restarted");

            assertThat(containerLines.messagesAboveDebug()).containsExactly("SimpleConsumer started",
                    "SimpleConsumer restarted");
            assertThat(containerLines.anyThrowable()).isFalse();
            assertThat(factoryLines.messagesAboveDebug()).isEmpty();
            assertThat(ourLines.messagesAboveDebug()).containsExactly("a line of the worker's own");
        }
        try (LogCapture containerLines = LogCapture.named(CONTAINER)) {
            connection.onShutDown(closedByTheBroker());
            container.error("Cannot connect to server or create channel");

            assertThat(containerLines.messagesAboveDebug()).as("the filter is gone once closed")
                    .containsExactly("Cannot connect to server or create channel");
        }
    }

    @Test
    void aDeclarationTheBrokerRefusesIsNotLoggedAgainAsAnError() {
        ChannelCloseLog closes = new ChannelCloseLog();
        try (LogCapture log = LogCapture.named(FACTORY)) {
            closes.log(LogFactory.getLog(FACTORY), "Shutdown Signal", new ShutdownSignalException(false, false,
                    new AMQImpl.Channel.Close(406, "PRECONDITION_FAILED - inequivalent arg 'x-max-length'", 50, 10), null));
            assertThat(log.messagesAboveDebug()).isEmpty();
            assertThat(log.debugMessages()).singleElement().asString().contains("PRECONDITION_FAILED");

            closes.log(LogFactory.getLog(FACTORY), "Shutdown Signal", new ShutdownSignalException(false, false,
                    new AMQImpl.Channel.Close(403, "ACCESS_REFUSED - no access to queue", 50, 10), null));
            assertThat(log.messagesAboveDebug()).singleElement().asString().contains("ACCESS_REFUSED");
        }
    }

    private static ShutdownSignalException closedByTheBroker() {
        return new ShutdownSignalException(true, false, new AMQImpl.Connection.Close(320,
                "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", 0, 0), null);
    }

    private static AmqpConnectException refused() {
        return new AmqpConnectException(new ConnectException("Connection refused"));
    }
}
