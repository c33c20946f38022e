package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
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
    /** The commands handled, in the order they were handled. */
    private final List<HandledCommand> handledCommands = new CopyOnWriteArrayList<>();
    /** Several threads, as in the worker: the routing lanes of different numbers run side by side. */
    private final ExecutorService routingThreads = Executors.newFixedThreadPool(4);
    private DeadQueueDrain drain;
    private CommandListener listener;

    DeadQueueDrainIT() {
        WorkerProperties worker = new WorkerProperties("drainer", Path.of("data"), new WorkerProperties.Amqp(
                queue + ".commands", queue + ".events", queue + ".dlq", queue + ".", 50, Duration.ofSeconds(10), 3,
                DataSize.ofKilobytes(64)), 1);
        SessionCommandHandler keepsEveryCommand = command -> {
            handled.add(command.numberId());
            handledCommands.add(new HandledCommand(command.numberId(), command.correlationId().orElseThrow()));
            return CompletableFuture.completedFuture(null);
        };
        EventSink noEvents = event -> CompletableFuture.completedFuture(null);
        listener = new CommandListener(keepsEveryCommand, noEvents,
                new ConfirmedSender(BROKER.connectionFactory(), Duration.ofSeconds(10)),
                (numberId, named) -> new Route.Here(), worker, new CommandMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(), routingThreads);
        drain = new DeadQueueDrain(new RabbitTemplate(BROKER.connectionFactory()), listener, 3, Duration.ofSeconds(20));
    }

    @AfterEach
    void deleteQueue() {
        BROKER.admin().deleteQueue(queue);
        listener.close();
        routingThreads.shutdown();
    }

    @Test
    void routesEveryCommandAgainInEachNumbersOrderThenDeletesTheQueue() {
        BROKER.admin().declareQueue(new Queue(queue, true, false, false));
        // On one channel: messages sent on different channels may reach the queue in another order. Commands of
        // three numbers, interleaved: each number's must be handled in the order they were queued.
        new RabbitTemplate(BROKER.connectionFactory()).invoke(operations -> {
            for (int i = 1; i <= 30; i++) {
                operations.send("", queue, CommandMessages.create(i % 3 + 1, "m" + i));
            }
            return null;
        });

        assertThat(drain.drain(queue, () -> true)).isEqualTo(new DeadQueueDrain.Result.Removed(30));

        assertThat(handledCommands).hasSize(30);
        for (long number = 1; number <= 3; number++) {
            long of = number;
            List<String> expected = IntStream.rangeClosed(1, 30).filter(i -> i % 3 + 1 == of).mapToObj(i -> "m" + i)
                    .toList();
            assertThat(handledCommands.stream().filter(command -> command.numberId() == of)
                    .map(HandledCommand::messageId).toList())
                    .as("number %d's commands, in order", number).isEqualTo(expected);
        }
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

    private record HandledCommand(long numberId, String messageId) {
    }

    private void send(long number) {
        new RabbitTemplate(BROKER.connectionFactory()).send("", queue, command(number));
    }

    private static Message command(long number) {
        return CommandMessages.create(number, "only-" + number);
    }
}
