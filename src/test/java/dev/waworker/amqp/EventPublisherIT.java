package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.WorkerEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@link EventPublisher} and {@link ConfirmedSender} against the real RabbitMQ. */
class EventPublisherIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static CachingConnectionFactory connectionFactory;
    private static RabbitAdmin admin;
    private static RabbitTemplate reader;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private String eventsQueue;
    private ConfirmedSender sender;
    private EventPublisher publisher;

    @BeforeAll
    static void connect() {
        connectionFactory = RabbitBroker.connectionFactory();
        admin = new RabbitAdmin(connectionFactory);
        reader = new RabbitTemplate(connectionFactory);
    }

    @AfterAll
    static void disconnect() {
        connectionFactory.destroy();
    }

    @BeforeEach
    void declareEventsQueue() {
        eventsQueue = RabbitBroker.uniqueName("events");
        admin.declareQueue(new Queue(eventsQueue, true, false, false));
        sender = new ConfirmedSender(connectionFactory, Duration.ofSeconds(2));
        publisher = new EventPublisher(sender, "worker-it", eventsQueue, 3, meters);
    }

    @AfterEach
    void deleteEventsQueue() {
        publisher.close();
        sender.close();
        admin.deleteQueue(eventsQueue);
    }

    @Test
    void putsEachEventOnTheQueueWithTheContractsProperties() throws Exception {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        EventHeader header = new EventHeader(6, "session_6_+221771234567", at, Optional.of("command-1"));
        publisher.publish(new WorkerEvent.QrGenerated(header, "data:image/png;base64,AAAA", at.plusSeconds(20), 1))
                .toCompletableFuture().get();
        publisher.publish(new WorkerEvent.Error(header, ErrorCode.QR_RETRIES_EXHAUSTED, "gave up"))
                .toCompletableFuture().get();

        Message qr = receive();
        Message error = receive();

        assertThat(json(qr)).containsEntry("action", "qr_generated").containsEntry("qrCode", "data:image/png;base64,AAAA");
        assertThat(json(error)).containsEntry("action", "error").containsEntry("code", "QR_RETRIES_EXHAUSTED");
        for (Message message : List.of(qr, error)) {
            MessageProperties properties = message.getMessageProperties();
            assertThat(properties.getContentType()).isEqualTo("application/json");
            assertThat(properties.getContentEncoding()).isEqualTo("UTF-8");
            assertThat(properties.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
            assertThat(properties.getMessageId()).isEqualTo(json(message).get("eventId"));
            assertThat(properties.getType()).isEqualTo(json(message).get("action"));
            assertThat(properties.getTimestamp()).isEqualTo(Date.from(at));
            assertThat(properties.getAppId()).isEqualTo("whatsapp-worker");
            assertThat(properties.getCorrelationId()).isEqualTo("command-1");
            assertThat(properties.getHeaders()).doesNotContainKey("__TypeId__");
        }
        assertThat(meters.counter("worker.events.published", "action", "qr_generated").count()).isEqualTo(1);
    }

    @Test
    void failsAnEventTheBrokerCannotRouteAfterEveryAttempt() {
        EventPublisher nowhere = new EventPublisher(sender, "worker-it", RabbitBroker.uniqueName("missing"), 3, meters);
        try {
            CompletableFuture<Void> delivery = nowhere.publish(new WorkerEvent.Disconnected(
                    new EventHeader(6, "session_6_+221771234567", Instant.now(), Optional.empty()), "logged out"))
                    .toCompletableFuture();

            await().atMost(WAIT).until(delivery::isDone);
            assertThatThrownBy(delivery::get).isInstanceOf(ExecutionException.class)
                    .rootCause().isInstanceOf(PublishFailedException.class).hasMessageContaining("NO_ROUTE");
            assertThat(meters.counter("worker.events.failed", "action", "disconnected").count()).isEqualTo(1);
        } finally {
            nowhere.close();
        }
    }

    private Message receive() {
        Message message = reader.receive(eventsQueue, WAIT.toMillis());
        assertThat(message).as("an event on " + eventsQueue).isNotNull();
        return message;
    }

    private static Map<String, Object> json(Message message) {
        return JsonMapper.builder().build().readValue(message.getBody(), new TypeReference<>() {
        });
    }
}
