package dev.waworker.amqp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import dev.waworker.testing.TestPostgres;

/**
 * Several worker processes (simulated WhatsApp) on the same command and events queues and one fresh PostgreSQL
 * database, with a backend probe on those queues: for the multi-worker test and the failover benchmark.
 */
final class WorkerFleet implements AutoCloseable {

    final TestPostgres.Database database;
    final TestWorker shared;
    final BackendProbe backend;
    final List<FleetMember> workers = new ArrayList<>();

    /** Starts {@code size} workers, {@code <purpose>-1} and so on, and waits until every one is healthy. */
    WorkerFleet(String purpose, int size, Duration leaseTime) {
        this(purpose, size, leaseTime, (id, database) -> Map.of());
    }

    /**
     * The same, each worker with {@code settingsOf.apply(id, database)} on top of the fleet's settings (a broker or
     * database address through a proxy, other QR lifetimes).
     */
    WorkerFleet(String purpose, int size, Duration leaseTime,
            BiFunction<String, TestPostgres.Database, Map<String, Object>> settingsOf) {
        database = TestPostgres.freshDatabase(purpose.replace('-', '_'));
        shared = TestWorker.unique(purpose, purpose + "-1");
        backend = new BackendProbe(shared);
        for (int i = 1; i <= size; i++) {
            String id = purpose + "-" + i;
            TestWorker worker = new TestWorker(id, shared.commandQueue(), shared.eventsQueue(),
                    shared.deadLetterQueue(), shared.workerQueuePrefix(), dataDir(id), true);
            Map<String, Object> settings = new HashMap<>(database.workerProperties());
            settings.put("worker.ownership.lease-time", leaseTime.toMillis() + "ms");
            // Long-lived QRs: a slow machine must not see a QR expire before the test scans it.
            settings.put("whatsapp.simulator.first-qr-ttl", "60s");
            settings.put("whatsapp.simulator.next-qr-ttl", "60s");
            settings.putAll(settingsOf.apply(id, database));
            workers.add(new FleetMember(worker, settings).start());
        }
        workers.forEach(FleetMember::awaitHealthy);
    }

    FleetMember worker(String id) {
        return workers.stream().filter(worker -> worker.id().equals(id)).findFirst().orElseThrow();
    }

    /** Sends {@code create} for the number and returns the worker that showed its first QR: its owner. */
    FleetMember createAndFindOwner(long number, String phone) {
        backend.sendCommand("create", number, phone);
        return worker(workerIdOf(backend.awaitEvent(number, "qr_generated")));
    }

    /** The {@code workerId} an event carries. */
    static String workerIdOf(BackendProbe.Event event) {
        return (String) event.get("workerId");
    }

    /**
     * How many {@code action} events of the number a backend counts: by {@code eventId}, since a worker killed
     * before the broker's confirm reached it sends the same event again when it restarts (the contract's
     * at-least-once delivery).
     */
    long count(long number, String action) {
        return backend.eventsFor(number).stream().filter(event -> event.action().equals(action))
                .map(event -> event.get("eventId")).distinct().count();
    }

    @Override
    public void close() throws InterruptedException {
        for (FleetMember worker : workers) {
            worker.close();
        }
        shared.queuesToDelete().forEach(backend.admin()::deleteQueue);
        workers.forEach(worker -> backend.admin().deleteQueue(shared.queueOf(worker.id())));
        backend.close();
        database.drop();
    }

    private static Path dataDir(String id) {
        try {
            return Files.createTempDirectory("worker-it-" + id + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
