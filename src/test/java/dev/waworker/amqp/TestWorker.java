package dev.waworker.amqp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The identity and queue names of a worker an integration test starts: unique per worker, so that workers never
 * read each other's commands or events on the shared broker, and a device store of its own. Test classes that
 * share a worker (see {@link WorkerIntegrationTest}) share these too.
 *
 * @param sharedQueuesAreOurs whether the command, events and dead-letter queues are this test's alone
 */
record TestWorker(String id, String commandQueue, String eventsQueue, String deadLetterQueue,
        String workerQueuePrefix, Path dataDir, boolean sharedQueuesAreOurs) {

    /** Which WhatsApp the worker pairs against: the simulator unless a test asks for the default. */
    static final String CLIENT = "whatsapp.client";

    /** Names of its own, in the {@code test.<purpose>.<random>} namespace. */
    static TestWorker unique(String purpose) {
        return unique(purpose, "worker-" + purpose);
    }

    /** An id that is a number, so that a command may address the worker as text or as an integer. */
    static String numberedId() {
        return String.valueOf(ThreadLocalRandom.current().nextInt(1, 1_000_000));
    }

    /** Names of its own, for a worker with the given id. */
    static TestWorker unique(String purpose, String id) {
        String base = "test." + purpose + "." + UUID.randomUUID().toString().substring(0, 8);
        return new TestWorker(id, base + ".commands", base + ".events", base + ".commands.dlq",
                base + ".commands.", temporaryDataDir(), true);
    }

    /** The contract's queue names, as a deployed worker uses them. */
    static TestWorker withContractNames(String id) {
        return new TestWorker(id, "whatsapp.session.update", "whatsapp.worker.events", "whatsapp.session.update.dlq",
                "whatsapp.session.update.", temporaryDataDir(), false);
    }

    /** The queues the worker declared that no one else uses, for the test to delete. */
    List<String> queuesToDelete() {
        return sharedQueuesAreOurs
                ? List.of(commandQueue, eventsQueue, deadLetterQueue, ownQueue())
                : List.of(ownQueue());
    }

    String ownQueue() {
        return workerQueuePrefix + id;
    }

    String queueOf(String workerId) {
        return workerQueuePrefix + workerId;
    }

    /**
     * The worker's configuration: id, data directory, broker, the simulated WhatsApp and, when they are its own, the
     * queue names (the contract's are the application's defaults).
     */
    Map<String, Object> properties() {
        Map<String, Object> properties = identity();
        if (!sharedQueuesAreOurs) {
            return properties;
        }
        properties.put("worker.amqp.command-queue", commandQueue);
        properties.put("worker.amqp.events-queue", eventsQueue);
        properties.put("worker.amqp.dead-letter-queue", deadLetterQueue);
        properties.put("worker.amqp.worker-queue-prefix", workerQueuePrefix);
        return properties;
    }

    private Map<String, Object> identity() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("worker.id", id);
        properties.put("worker.data-dir", dataDir.toString());
        properties.put("spring.rabbitmq.host", RabbitBroker.host());
        properties.put("spring.rabbitmq.port", RabbitBroker.port());
        properties.put(CLIENT, "simulated");
        return properties;
    }

    private static Path temporaryDataDir() {
        try {
            return Files.createTempDirectory("worker-it-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
