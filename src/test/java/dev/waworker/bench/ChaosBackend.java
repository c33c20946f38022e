package dev.waworker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.waworker.testing.AsyncApiContract;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plays the backend of a chaos run on a connection of its own that comes back with the broker: publishes commands
 * until the broker confirmed them (a backend retries a send that failed), and keeps the events it received, each
 * once by its {@code eventId} (the contract's deduplication), with the time it arrived.
 */
final class ChaosBackend implements AutoCloseable {

    /** One event as the backend keeps it. {@code qrIndex} is 0 for events without one. */
    record Received(String eventId, String action, long numberId, String workerId, int qrIndex, String code,
                    long producedAt, long receivedAt) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ChaosQueues queues;
    private final Connection connection;
    private final Channel publisher;
    private final Map<Long, List<Received>> byNumber = new ConcurrentHashMap<>();
    private final Set<String> eventIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong contractViolations = new AtomicLong();

    ChaosBackend(int brokerPort, ChaosQueues queues) throws IOException, TimeoutException {
        this.queues = queues;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(brokerPort);
        factory.setNetworkRecoveryInterval(500);
        connection = factory.newConnection(queues.run() + "-backend");
        publisher = connection.createChannel();
        publisher.confirmSelect();
        Channel consumer = connection.createChannel();
        // Declared as the worker declares them (durable, no arguments), before any worker starts.
        for (String queue : List.of(queues.commands(), queues.events())) {
            consumer.queueDeclare(queue, true, false, false, null);
        }
        consumer.basicConsume(queues.events(), true, (tag, delivery) -> receive(delivery.getBody()), tag -> { });
    }

    /** Publishes {@code action} for the number, again and again until the broker confirms it. */
    void send(String action, long numberId, String phoneNumber) throws InterruptedException {
        byte[] body = ("{\"action\":\"" + action + "\",\"data\":{\"numberId\":" + numberId + ",\"phoneNumber\":\""
                + phoneNumber + "\"},\"timestamp\":" + System.currentTimeMillis() + "}")
                .getBytes(StandardCharsets.UTF_8);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).build();
        while (true) {
            try {
                synchronized (publisher) { // confirms are per channel: one send at a time on it
                    publisher.basicPublish("", queues.commands(), properties, body);
                    publisher.waitForConfirmsOrDie(5_000);
                }
                return;
            } catch (IOException | TimeoutException | RuntimeException brokerAway) {
                Thread.sleep(500); // the broker is stopped: the connection recovers by itself
            }
        }
    }

    /** The events of the number received so far, in the order they arrived. */
    List<Received> eventsOf(long numberId) {
        List<Received> events = byNumber.get(numberId);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    Map<Long, List<Received>> all() {
        Map<Long, List<Received>> copy = new java.util.TreeMap<>();
        byNumber.keySet().forEach(number -> copy.put(number, eventsOf(number)));
        return copy;
    }

    long distinctEvents() {
        return eventIds.size();
    }

    /** Events received again with an {@code eventId} already seen (the contract's at-least-once delivery). */
    long repeats() {
        return repeats.get();
    }

    /** Events that docs/asyncapi.yaml does not describe. */
    long contractViolations() {
        return contractViolations.get();
    }

    /** Messages ready in {@code queue}; -1 when the queue does not exist. */
    long messagesIn(String queue) throws IOException, TimeoutException {
        // A passive declaration of a missing queue closes its channel: one channel per question.
        Channel channel = connection.createChannel();
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException absent) {
            return -1;
        } finally {
            if (channel.isOpen()) {
                channel.close();
            }
        }
    }

    /**
     * The {@code x-error} of up to {@code max} messages of the dead-letter queue, read without taking them (they go
     * back to the queue when the channel closes unacknowledged).
     */
    List<String> deadLetterReasons(int max) throws IOException, TimeoutException {
        List<String> reasons = new ArrayList<>();
        if (messagesIn(queues.deadLetters()) <= 0) {
            return reasons;
        }
        try (Channel channel = connection.createChannel()) {
            com.rabbitmq.client.GetResponse message;
            while (reasons.size() < max && (message = channel.basicGet(queues.deadLetters(), false)) != null) {
                Map<String, Object> headers = message.getProps().getHeaders();
                reasons.add(String.valueOf(headers == null ? null : headers.get("x-error")));
            }
        }
        return reasons;
    }

    /** Writes every event the backend kept, one line each, for a look after the run. */
    void dump(java.nio.file.Path file, long startedAt) throws IOException {
        List<String> lines = new ArrayList<>(List.of("numberId\treceived (s)\tproduced (s)\taction\tworkerId\tqrIndex"
                + "\tcode\teventId"));
        all().forEach((number, events) -> events.forEach(event -> lines.add(number + "\t"
                + (event.receivedAt() - startedAt) / 1000.0 + "\t" + (event.producedAt() - startedAt) / 1000.0 + "\t"
                + event.action() + "\t" + event.workerId() + "\t" + event.qrIndex() + "\t" + event.code() + "\t"
                + event.eventId())));
        java.nio.file.Files.write(file, lines);
    }

    /** Deletes the run's queues named here (the harness's clean-up). */
    void deleteQueues(List<String> names) throws IOException, TimeoutException {
        try (Channel channel = connection.createChannel()) {
            for (String queue : names) {
                channel.queueDelete(queue);
            }
        }
    }

    private void receive(byte[] body) {
        long receivedAt = System.currentTimeMillis();
        JsonNode event = JSON.readTree(body);
        if (!AsyncApiContract.get().problemsWithEvent(event).isEmpty()) {
            contractViolations.incrementAndGet();
        }
        if (!eventIds.add(event.path("eventId").asString())) {
            repeats.incrementAndGet();
            return;
        }
        Received received = new Received(event.path("eventId").asString(), event.path("action").asString(),
                event.path("numberId").asLong(), event.path("workerId").asString(), event.path("qrIndex").asInt(0),
                event.path("code").asString(""), event.path("timestamp").asLong(), receivedAt);
        List<Received> events = byNumber.computeIfAbsent(received.numberId(), number -> new ArrayList<>());
        synchronized (events) {
            events.add(received);
        }
    }

    @Override
    public void close() throws IOException {
        connection.abort();
    }
}
