package dev.waworker.amqp;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ApplicationContext;

import dev.waworker.testing.AsyncApiContract;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plays the backend in integration tests, on a connection of its own to the real broker: publishes commands as a
 * backend would and collects the worker's events from the events queue as parsed JSON.
 */
final class BackendProbe implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An event as the backend receives it. */
    record Event(Map<String, Object> json, MessageProperties properties) {
        String action() {
            return (String) json.get("action");
        }

        /** The number it is about; 0 for an event about no number (the {@code status_end} of a resync). */
        long numberId() {
            return json.get("numberId") instanceof Number numberId ? numberId.longValue() : 0;
        }

        Object get(String field) {
            return json.get(field);
        }
    }

    private final TestWorker worker;
    private final CachingConnectionFactory connection;
    private final RabbitTemplate rabbit;
    private final RabbitAdmin admin;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    /** The worker integration test class that used each number first: see {@link #claim}. */
    private final Map<Long, Class<?>> numberUsers = new ConcurrentHashMap<>();

    BackendProbe(TestWorker worker) {
        this(worker, RabbitBroker.port());
    }

    /** A probe on the broker at {@code port} of this host (a node the test started itself). */
    BackendProbe(TestWorker worker, int port) {
        this.worker = worker;
        this.connection = RabbitBroker.connectionFactory(port);
        this.rabbit = new RabbitTemplate(connection);
        this.admin = new RabbitAdmin(connection);
        // Shows a message without content_type as having none (Spring's reader would say application/octet-stream).
        rabbit.setMessagePropertiesConverter(new AbsentContentTypeKeepingConverter());
    }

    /**
     * A command as the contract shows it, as JSON with {@code content_type: application/json}. One with an action of
     * the contract is checked against docs/asyncapi.yaml first; another action is a test's deliberate bad input.
     */
    String sendCommand(String action, long numberId, String phoneNumber) {
        claim(numberId);
        String command = "{\"action\":\"" + action + "\",\"data\":{\"numberId\":" + numberId
                + ",\"phoneNumber\":\"" + phoneNumber + "\"},\"timestamp\":" + System.currentTimeMillis() + "}";
        if (AsyncApiContract.get().commandActions().contains(action)) {
            AsyncApiContract.get().requireValidCommand(command);
        }
        return sendJson(worker.commandQueue(), command);
    }

    /** Sends {@code json} with {@code content_type: application/json} and a new {@code message_id}, returned. */
    String sendJson(String queue, String json) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId(UUID.randomUUID().toString());
        send(queue, json.getBytes(StandardCharsets.UTF_8), properties);
        return properties.getMessageId();
    }

    /**
     * Sends the JSON bodies in this order on one channel, as one backend thread would: messages sent on different
     * channels may reach the queue in another order.
     */
    void sendJsonInOrder(String queue, List<String> bodies) {
        rabbit.invoke(operations -> {
            for (String body : bodies) {
                MessageProperties properties = new MessageProperties();
                properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
                operations.send("", queue, new Message(body.getBytes(StandardCharsets.UTF_8), properties));
            }
            return null;
        });
    }

    /** Sends exactly these bytes with exactly these properties. */
    void send(String queue, byte[] body, MessageProperties properties) {
        rabbit.send("", queue, new Message(body, properties));
    }

    /** Waits for the event of {@code numberId} with {@code action}, skipping none of the events before it. */
    Event awaitEvent(long numberId, String action) {
        await().atMost(WAIT).until(() -> eventsFor(numberId).stream().anyMatch(event -> event.action().equals(action)));
        return eventsFor(numberId).stream().filter(event -> event.action().equals(action)).findFirst().orElseThrow();
    }

    /** Waits until {@code numberId} has at least {@code count} events, and returns them all. */
    List<Event> awaitEvents(long numberId, int count) {
        await().atMost(WAIT).until(() -> eventsFor(numberId).size() >= count);
        return eventsFor(numberId);
    }

    /** The events received so far for {@code numberId}, in the order they arrived. */
    List<Event> eventsFor(long numberId) {
        claim(numberId);
        collectEvents();
        return events.stream().filter(event -> event.numberId() == numberId).toList();
    }

    /** All events received so far, whatever number they are about, in the order they arrived. */
    List<Event> allEvents() {
        collectEvents();
        return List.copyOf(events);
    }

    /** Waits for a message on {@code queue} and takes it. */
    Message awaitMessage(String queue) {
        return await().atMost(WAIT).until(() -> rabbit.receive(queue), message -> message != null);
    }

    /** Messages ready on {@code queue}, as the broker counts them; -1 when the queue does not exist. */
    long messageCount(String queue) {
        QueueInformation info = admin.getQueueInfo(queue);
        return info == null ? -1 : info.getMessageCount();
    }

    RabbitAdmin admin() {
        return admin;
    }

    /**
     * Stops the worker's consumers, then deletes the queues it declared for this test (in that order: a consumer
     * whose queue disappears keeps trying to consume it) and closes the probe. The test framework closes the rest
     * of the worker afterwards.
     */
    void stopWorkerAndCleanUp(ApplicationContext worker) {
        CommandIntake intake = worker.getBean(CommandIntake.class);
        // Stopped already when Spring paused the worker's context (kept for later test classes, unused meanwhile).
        if (intake.isRunning()) {
            intake.stop();
        }
        this.worker.queuesToDelete().forEach(admin::deleteQueue);
        close();
    }

    @Override
    public void close() {
        connection.destroy();
    }

    /**
     * Fails when a {@link WorkerTestBase} class uses a number another one used on this worker: test classes sharing
     * a worker would read, and change, each other's validations.
     */
    private void claim(long numberId) {
        StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                        .map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(WorkerTestBase.class::isAssignableFrom)
                        .findFirst())
                .ifPresent(test -> {
                    Class<?> first = numberUsers.putIfAbsent(numberId, test);
                    if (first != null && first != test) {
                        throw new IllegalStateException(test.getSimpleName() + " uses number " + numberId
                                + ", which " + first.getSimpleName() + " used on the same worker: give each class"
                                + " numbers of its own");
                    }
                });
    }

    /** Takes the events waiting; each must be as docs/asyncapi.yaml describes it, or the test fails here. */
    private void collectEvents() {
        Message message;
        while ((message = rabbit.receive(worker.eventsQueue())) != null) {
            AsyncApiContract.get().requireValidEvent(message.getBody());
            events.add(new Event(JSON.readValue(message.getBody(), new TypeReference<>() {
            }), message.getMessageProperties()));
        }
    }
}
