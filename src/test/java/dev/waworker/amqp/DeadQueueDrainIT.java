package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.util.unit.DataSize;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;

import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.Route;
import dev.waworker.session.EventSink;
import dev.waworker.session.SessionCommandHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@link DeadQueueDrain} on the real broker, with a {@link CommandListener} that keeps every command here: what it
 * routes again, and when it deletes the queue and when it must not.
 */
class DeadQueueDrainIT {

    @RegisterExtension
    static final BrokerClient BROKER = new BrokerClient();

    private final String queue = RabbitBroker.uniqueName("dead-worker");
    private final List<Long> handled = new CopyOnWriteArrayList<>();
    private DeadQueueDrain drain;
    private CommandListener listener;

    DeadQueueDrainIT() {
        WorkerProperties worker = new WorkerProperties("drainer", Path.of("data"), new WorkerProperties.Amqp(
                queue + ".commands", queue + ".events", queue + ".dlq", queue + ".", 50, Duration.ofSeconds(10), 3,
                DataSize.ofKilobytes(64)), 1);
        SessionCommandHandler keepsEveryCommand = command -> {
            handled.add(command.numberId());
            return CompletableFuture.completedFuture(null);
        };
        EventSink noEvents = event -> CompletableFuture.completedFuture(null);
        listener = new CommandListener(keepsEveryCommand, noEvents,
                new ConfirmedSender(BROKER.connectionFactory(), Duration.ofSeconds(10)),
                (numberId, named) -> new Route.Here(), worker, new CommandMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC());
        drain = new DeadQueueDrain(new RabbitTemplate(BROKER.connectionFactory()), listener, 3, Duration.ofSeconds(20));
    }

    @AfterEach
    void deleteQueue() {
        BROKER.admin().deleteQueue(queue);
        listener.close();
    }

    @Test
    void routesEveryCommandAgainInOrderThenDeletesTheQueue() {
        BROKER.admin().declareQueue(new Queue(queue, true, false, false));
        // On one channel: messages sent on different channels may reach the queue in another order.
        new RabbitTemplate(BROKER.connectionFactory()).invoke(operations -> {
            for (long number = 1; number <= 10; number++) {
                operations.send("", queue, command(number));
            }
            return null;
        });

        assertThat(drain.drain(queue, () -> true)).isEqualTo(new DeadQueueDrain.Result.Removed(10));

        assertThat(handled).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(BROKER.admin().getQueueInfo(queue)).as("deleted").isNull();
    }

    @Test
    void keepsTheQueueOfAWorkerThatCameBack() {
        BROKER.admin().declareQueue(new Queue(queue, true, false, false));
        send(11);

        assertThat(drain.drain(queue, () -> false))
                .isEqualTo(new DeadQueueDrain.Result.Unfinished(1, "its worker is alive again"));

        assertThat(handled).containsExactly(11L);
        assertThat(BROKER.admin().getQueueInfo(queue)).as("kept").isNotNull();
    }

    @Test
    void leavesAQueueSomebodyElseConsumesAlone() throws Exception {
        BROKER.admin().declareQueue(new Queue(queue, true, false, false));
        try (var connection = BROKER.connectionFactory().getRabbitConnectionFactory().newConnection();
                Channel channel = connection.createChannel()) {
            channel.basicConsume(queue, false, new DefaultConsumer(channel));
            send(12);

            assertThat(drain.drain(queue, () -> true)).isEqualTo(new DeadQueueDrain.Result.Busy());
        }
        assertThat(handled).isEmpty();
        assertThat(BROKER.admin().getQueueInfo(queue)).as("kept, with its command").isNotNull()
                .satisfies(info -> assertThat(info.getMessageCount()).isEqualTo(1));
    }

    @Test
    void findsNoQueueWhereThereIsNone() {
        assertThat(drain.drain(queue, () -> true)).isEqualTo(new DeadQueueDrain.Result.Gone());
    }

    private void send(long number) {
        new RabbitTemplate(BROKER.connectionFactory()).send("", queue, command(number));
    }

    private static Message command(long number) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        return new Message(("{\"action\":\"create\",\"data\":{\"numberId\":" + number
                + ",\"phoneNumber\":\"+221771234567\"}}").getBytes(StandardCharsets.UTF_8), properties);
    }
}
