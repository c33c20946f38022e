package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.waworker.testing.ManualClock;

/** {@link WorkerQueueDirectory} against the real broker's answers to passive declarations. */
class WorkerQueueDirectoryIT {

    private static CachingConnectionFactory connectionFactory;
    private static RabbitAdmin admin;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final WorkerQueueDirectory directory;

    WorkerQueueDirectoryIT() {
        directory = new WorkerQueueDirectory(new RabbitTemplate(connectionFactory), clock);
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

    @Test
    void findsADeclaredQueueAndNotAMissingOne() {
        String queue = declare();
        try {
            assertThat(directory.exists(queue)).isTrue();
            assertThat(directory.exists(RabbitBroker.uniqueName("missing"))).isFalse();
        } finally {
            admin.deleteQueue(queue);
        }
    }

    @Test
    void remembersAQueueThatExistsForAShortWhile() {
        String queue = declare();
        assertThat(directory.exists(queue)).isTrue();
        admin.deleteQueue(queue);

        clock.advance(WorkerQueueDirectory.REMEMBER_EXISTING.minus(Duration.ofSeconds(1)));
        assertThat(directory.exists(queue)).as("still remembered").isTrue();

        clock.advance(Duration.ofSeconds(2));
        assertThat(directory.exists(queue)).as("asked again").isFalse();
    }

    @Test
    void neverRemembersAMissingQueue() {
        String queue = RabbitBroker.uniqueName("late");
        assertThat(directory.exists(queue)).isFalse();

        admin.declareQueue(new Queue(queue, false, false, true));
        try {
            assertThat(directory.exists(queue)).isTrue();
        } finally {
            admin.deleteQueue(queue);
        }
    }

    @Test
    void aNameLongerThanAmqpAllowsCannotExist() {
        assertThat(directory.exists("q".repeat(256))).isFalse();
    }

    private static String declare() {
        String queue = RabbitBroker.uniqueName("worker");
        admin.declareQueue(new Queue(queue, false, false, true));
        return queue;
    }
}
