package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.util.unit.DataSize;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;

import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.Route;
import dev.waworker.session.EventSink;
import dev.waworker.session.SessionCommandHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The {@link CommandListener}'s routing lanes on the real broker: a number whose routing waits on the database holds
 * up no other number, and when it fails on the infrastructure, the commands of that number queued behind it go back
 * to the queue after it, unrouted, so that none overtakes it.
 */
class RoutingLanesIT {

    @RegisterExtension
    static final BrokerClient BROKER = new BrokerClient();

    private static final long SLOW_NUMBER = 7;
    private static final long OTHER_NUMBER = 8;

    private final String queue = RabbitBroker.uniqueName("routing-lanes");
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private final CountDownLatch databaseAnswers = new CountDownLatch(1);
    private final AtomicInteger slowNumberRoutings = new AtomicInteger();
    private final AtomicReference<String> heldBackBecause = new AtomicReference<>();
    private final ExecutorService routingThreads = Executors.newFixedThreadPool(4);
    private final CommandListener listener;

    RoutingLanesIT() {
        WorkerProperties worker = new WorkerProperties("router", Path.of("data"), new WorkerProperties.Amqp(
                queue + ".commands", queue + ".events", queue + ".dlq", queue + ".", 50, Duration.ofSeconds(10), 3,
                DataSize.ofKilobytes(64)), 4);
        SessionCommandHandler handler = command -> {
            handled.add(command.correlationId().orElseThrow());
            return CompletableFuture.completedFuture(null);
        };
        EventSink noEvents = event -> CompletableFuture.completedFuture(null);
        CommandRouter router = (numberId, named) -> {
            if (numberId == SLOW_NUMBER && slowNumberRoutings.incrementAndGet() == 1) {
                // The first claim of this number waits for the database, which then turns out to be away.
                awaitQuietly(databaseAnswers);
                throw new DataAccessResourceFailureException("the database is away");
            }
            return new Route.Here();
        };
        listener = new CommandListener(handler, noEvents,
                new ConfirmedSender(BROKER.connectionFactory(), Duration.ofSeconds(10)), router, worker,
                new CommandMetrics(new SimpleMeterRegistry()), Clock.systemUTC(), routingThreads);
        // As the intake does: a command that failed on the infrastructure stops the taking of commands.
        listener.whenInfrastructureFails(reason -> {
            heldBackBecause.set(reason);
            listener.stopAccepting();
        });
    }

    @AfterEach
    void cleanUp() {
        databaseAnswers.countDown();
        listener.close();
        routingThreads.shutdown();
        BROKER.admin().deleteQueue(queue);
    }

    @Test
    void aNumberWaitingOnTheDatabaseHoldsUpNoOtherAndWhatFollowsItStaysBehindIt() throws Exception {
        BROKER.admin().declareQueue(new Queue(queue, true, false, false));
        new RabbitTemplate(BROKER.connectionFactory()).invoke(operations -> {
            operations.send("", queue, CommandMessages.create(SLOW_NUMBER, "first"));
            operations.send("", queue, CommandMessages.create(SLOW_NUMBER, "second"));
            operations.send("", queue, CommandMessages.create(OTHER_NUMBER, "other"));
            return null;
        });

        try (Connection connection = BROKER.connectionFactory().getRabbitConnectionFactory().newConnection()) {
            Channel channel = connection.createChannel();
            channel.basicQos(10);
            channel.basicConsume(queue, false, new ListenerConsumer(channel));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(handled).containsExactly("other"));
            assertThat(slowNumberRoutings).as("the slow number's first command still waits").hasValue(1);

            databaseAnswers.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> heldBackBecause.get() != null);
            // Both went back to the queue and, delivered again while commands are held back, stay unacknowledged
            // in hand: the broker counts them as unacknowledged, none ready.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(queueDepth(channel)).isZero());
            channel.close();
        }

        assertThat(handled).as("nothing of the slow number was handled").containsExactly("other");
        assertThat(slowNumberRoutings).as("the second command was not routed").hasValue(1);
        assertThat(heldBackBecause.get()).contains("the database is away");
        assertThat(nextInQueue()).isEqualTo("first");
        assertThat(nextInQueue()).isEqualTo("second");
        assertThat(nextInQueue()).isNull();
    }

    private long queueDepth(Channel channel) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    private String nextInQueue() {
        return new RabbitTemplate(BROKER.connectionFactory()).execute(channel -> {
            GetResponse response = channel.basicGet(queue, true);
            return response == null ? null : response.getProps().getMessageId();
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands each delivery to the listener, as the worker's consumer does. */
    private final class ListenerConsumer extends DefaultConsumer {

        private final DefaultMessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

        ListenerConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body) {
            var read = converter.toMessageProperties(properties, envelope, StandardCharsets.UTF_8.name());
            read.setConsumerQueue(queue);
            listener.take(new Message(body, read), getChannel());
        }
    }
}
