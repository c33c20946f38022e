package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.waworker.testing.LogCapture;

/** {@link OwnWorkerQueue} on the real broker: the expiry it declares, and a queue an earlier version declared. */
class OwnWorkerQueueIT {

    private static final Duration EXPIRY = Duration.ofSeconds(1);

    @RegisterExtension
    static final BrokerClient BROKER = new BrokerClient();

    private final String queue = RabbitBroker.uniqueName("own-queue");
    private final OwnWorkerQueue own;

    OwnWorkerQueueIT() {
        own = new OwnWorkerQueue(new RabbitTemplate(BROKER.connectionFactory()), queue, EXPIRY);
    }

    @AfterEach
    void deleteQueue() {
        BROKER.admin().deleteQueue(queue);
    }

    @Test
    void theBrokerRemovesTheQueueOnceNobodyKeepsItAndKeepingItDeclaresItAgain() {
        own.keep();
        assertThat(BROKER.admin().getQueueInfo(queue)).isNotNull();

        // Each look is a declaration too, which restarts the countdown: look less often than it lasts.
        await().pollDelay(EXPIRY.multipliedBy(2)).pollInterval(EXPIRY.multipliedBy(2)).atMost(Duration.ofSeconds(15))
                .until(() -> BROKER.admin().getQueueInfo(queue) == null);

        own.keep();
        assertThat(BROKER.admin().getQueueInfo(queue)).isNotNull();
        assertThat(own.argumentsDiffer()).isFalse();
    }

    @Test
    void aQueueDeclaredWithoutExpiryBeforeIsUsedAsItIsAndWhatToDoIsSaidOnce() {
        BROKER.admin().declareQueue(new Queue(queue, true, false, false));
        new RabbitTemplate(BROKER.connectionFactory()).convertAndSend("", queue, "a command waiting");

        try (LogCapture log = LogCapture.of(OwnWorkerQueue.class)) {
            own.keep();
            own.keep();

            assertThat(own.argumentsDiffer()).isTrue();
            assertThat(log.messagesAboveDebug()).singleElement().asString()
                    .contains(queue, "x-expires=1000 ms", "rabbitmqctl delete_queue " + queue + " --if-empty");
        }
        assertThat(BROKER.admin().getQueueInfo(queue).getMessageCount()).as("untouched").isEqualTo(1);
    }
}
