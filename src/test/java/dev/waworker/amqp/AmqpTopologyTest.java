package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.util.unit.DataSize;

import dev.waworker.config.WorkerProperties;

class AmqpTopologyTest {

    private static final WorkerProperties WORKER = new WorkerProperties("worker-1", Path.of("data"),
            new WorkerProperties.Amqp("commands", "events", "commands.dlq", "commands.", 50, Duration.ofSeconds(10), 3,
                    DataSize.ofKilobytes(64)), 16);

    @Test
    void declaresTheFourQueuesDurableAndWithoutArguments() {
        var queues = AmqpTopology.declarables(WORKER, Optional.empty()).getDeclarablesByType(Queue.class);

        assertThat(queues).extracting(Queue::getName)
                .containsExactly("commands", "commands.worker-1", "commands.dlq", "events");
        assertThat(queues).allSatisfy(queue -> {
            assertThat(queue.isDurable()).isTrue();
            assertThat(queue.isExclusive()).isFalse();
            assertThat(queue.isAutoDelete()).isFalse();
            assertThat(queue.getArguments()).isEmpty();
        });
    }

    @Test
    void givesOnlyTheWorkersOwnQueueAnExpiryWhenOneIsSet() {
        var queues = AmqpTopology.declarables(WORKER, Optional.of(Duration.ofMinutes(1)))
                .getDeclarablesByType(Queue.class);

        assertThat(queues).filteredOn(queue -> queue.getName().equals("commands.worker-1")).singleElement()
                .satisfies(queue -> assertThat(queue.getArguments()).containsExactly(Map.entry("x-expires", 60_000)));
        assertThat(queues).filteredOn(queue -> !queue.getName().equals("commands.worker-1"))
                .allSatisfy(queue -> assertThat(queue.getArguments()).isEmpty());
    }
}
