package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.waworker.testing.LogCapture;

/** {@link OwnWorkerQueue} on the real broker: the expiry it declares, and a queue an earlier version declared. */
class OwnWorkerQueueIT {

    private static final Duration EXPIRY = Duration.ofSeconds(1);

    private static CachingConnectionFactory connectionFactory;
    private static RabbitAdmin admin;

    private final String queue = RabbitBroker.uniqueName("own-queue");
    private final OwnWorkerQueue own;

    OwnWorkerQueueIT() {
        own = new OwnWorkerQueue(new RabbitTemplate(connectionFactory), queue, EXPIRY);
    }

    @BeforeAll
    static void connect() {
        connectionFactory = RabbitBroker.connectionFactory();
        admin = new RabbitAdmin(connectionFactory);
    }

    @AfterAll
    static void disconnect() {
        connectionFactory.destroy();
    }

    @AfterEach
    void deleteQueue() {
        admin.deleteQueue(queue);
    }

    @Test
    void theBrokerRemovesTheQueueOnceNobodyKeepsItAndKeepingItDeclaresItAgain() {
        own.keep();
        assertThat(admin.getQueueInfo(queue)).isNotNull();

        // Each look is a declaration too, which restarts the countdown: look less often than it lasts.
        await().pollDelay(EXPIRY.multipliedBy(2)).pollInterval(EXPIRY.multipliedBy(2)).atMost(Duration.ofSeconds(15))
                .until(() -> admin.getQueueInfo(queue) == null);

        own.keep();
        assertThat(admin.getQueueInfo(queue)).isNotNull();
        assertThat(own.argumentsDiffer()).isFalse();
    }

    @Test
    void aQueueDeclaredWithoutExpiryBeforeIsUsedAsItIsAndWhatToDoIsSaidOnce() {
        admin.declareQueue(new Queue(queue, true, false, false));
        new RabbitTemplate(connectionFactory).convertAndSend("", queue, "a command waiting");

        try (LogCapture log = LogCapture.of(OwnWorkerQueue.class)) {
            own.keep();
            own.keep();

            assertThat(own.argumentsDiffer()).isTrue();
            assertThat(log.messagesAboveDebug()).singleElement().asString()
                    .contains(queue, "x-expires=1000 ms", "rabbitmqctl delete_queue " + queue + " --if-empty");
        }
        assertThat(admin.getQueueInfo(queue).getMessageCount()).as("untouched").isEqualTo(1);
    }
}
