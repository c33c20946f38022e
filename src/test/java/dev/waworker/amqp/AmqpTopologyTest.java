package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.util.unit.DataSize;

import dev.waworker.config.WorkerProperties;

class AmqpTopologyTest {

    @Test
    void declaresTheFourQueuesDurableAndWithoutArguments() {
        WorkerProperties worker = new WorkerProperties("worker-1", Path.of("data"), new WorkerProperties.Amqp(
                "commands", "events", "commands.dlq", "commands.", 50, Duration.ofSeconds(10), 3,
                DataSize.ofKilobytes(64)), 16);

        var queues = AmqpTopology.declarables(worker).getDeclarablesByType(Queue.class);

        assertThat(queues).extracting(Queue::getName)
                .containsExactly("commands", "commands.worker-1", "commands.dlq", "events");
        assertThat(queues).allSatisfy(queue -> {
            assertThat(queue.isDurable()).isTrue();
            assertThat(queue.isExclusive()).isFalse();
            assertThat(queue.isAutoDelete()).isFalse();
            assertThat(queue.getArguments()).isEmpty();
        });
    }
}
