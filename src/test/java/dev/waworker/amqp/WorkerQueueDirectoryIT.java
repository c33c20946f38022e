package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.waworker.testing.ManualClock;

/** {@link WorkerQueueDirectory} against the real broker's answers to passive declarations. */
class WorkerQueueDirectoryIT {

    @RegisterExtension
    static final BrokerClient BROKER = new BrokerClient();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final WorkerQueueDirectory directory;

    WorkerQueueDirectoryIT() {
        directory = new WorkerQueueDirectory(new RabbitTemplate(BROKER.connectionFactory()), clock);
    }

    @Test
    void findsADeclaredQueueAndNotAMissingOne() {
        String queue = declare();
        try {
            assertThat(directory.exists(queue)).isTrue();
            assertThat(directory.exists(RabbitBroker.uniqueName("missing"))).isFalse();
        } finally {
            BROKER.admin().deleteQueue(queue);
        }
    }

    @Test
    void remembersAQueueThatExistsForAShortWhile() {
        String queue = declare();
        assertThat(directory.exists(queue)).isTrue();
        BROKER.admin().deleteQueue(queue);

        clock.advance(WorkerQueueDirectory.REMEMBER_EXISTING.minus(Duration.ofSeconds(1)));
        assertThat(directory.exists(queue)).as("still remembered").isTrue();

        clock.advance(Duration.ofSeconds(2));
        assertThat(directory.exists(queue)).as("asked again").isFalse();
    }

    @Test
    void neverRemembersAMissingQueue() {
        String queue = RabbitBroker.uniqueName("late");
        assertThat(directory.exists(queue)).isFalse();

        BROKER.admin().declareQueue(new Queue(queue, false, false, true));
        try {
            assertThat(directory.exists(queue)).isTrue();
        } finally {
            BROKER.admin().deleteQueue(queue);
        }
    }

    @Test
    void aNameLongerThanAmqpAllowsCannotExist() {
        assertThat(directory.exists("q".repeat(256))).isFalse();
    }

    private static String declare() {
        String queue = RabbitBroker.uniqueName("worker");
        BROKER.admin().declareQueue(new Queue(queue, false, false, true));
        return queue;
    }
}
