package dev.waworker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.waworker.testing.TestPostgres;
import dev.waworker.testing.WorkerProcess;

/**
 * The chaos run's workers: packaged jars in simulated mode on the run's broker node and database, each started
 * under an id never used before (as a replaced container comes back under a new host name), and SIGKILLed. Each
 * worker's data directory and log stay under the run's directory; its process id is written there too, so that
 * scripts/chaos.sh can stop it should the harness itself die.
 */
final class ChaosFleet implements AutoCloseable {

    private final Path jar;
    private final Path runDir;
    private final ChaosQueues queues;
    private final List<String> settings;
    private final Map<String, WorkerProcess> live = new ConcurrentHashMap<>();
    private final List<String> everStarted = new CopyOnWriteArrayList<>();
    private final AtomicInteger serial = new AtomicInteger();
    private volatile boolean closed;

    ChaosFleet(Path jar, Path runDir, ChaosQueues queues, int brokerPort, TestPostgres.Database database,
               Duration leaseTime) {
        this.jar = jar;
        this.runDir = runDir;
        this.queues = queues;
        List<String> common = new ArrayList<>(List.of("--whatsapp.client=simulated",
                "--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=" + brokerPort,
                "--worker.amqp.command-queue=" + queues.commands(), "--worker.amqp.events-queue=" + queues.events(),
                "--worker.amqp.dead-letter-queue=" + queues.deadLetters(),
                "--worker.amqp.worker-queue-prefix=" + queues.workerQueuePrefix(),
                "--worker.ownership.lease-time=" + leaseTime.toMillis() + "ms",
                // QRs that outlive every fault: a validation must end as scripted, not in QR_RETRIES_EXHAUSTED.
                "--whatsapp.simulator.first-qr-ttl=60s", "--whatsapp.simulator.next-qr-ttl=60s"));
        database.workerProperties().forEach((key, value) -> common.add("--" + key + "=" + value));
        this.settings = List.copyOf(common);
    }

    /**
     * Starts a worker under a new id and waits until it is healthy. A start that fails (the database or the broker
     * is down at that moment) is tried again, on the same id, up to 5 times.
     */
    String startNew() throws InterruptedException {
        String id = queues.run() + "-w" + serial.incrementAndGet();
        everStarted.add(id);
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                throw new IllegalStateException("the fleet is closed: " + id + " is not started");
            }
            WorkerProcess worker = start(id);
            try {
                worker.awaitHealthy();
                live.put(id, worker);
                if (closed) { // closed while this one started up: stopped with the others
                    worker.close();
                }
                return id;
            } catch (RuntimeException notHealthy) {
                worker.kill();
                if (attempt == 5) {
                    throw new IllegalStateException("worker " + id + " did not become healthy in 5 attempts; see "
                            + runDir.resolve(id), notHealthy);
                }
                Thread.sleep(2_000); // the fault that stopped it lasts seconds: try again after a pause
            }
        }
    }

    /** SIGKILLs a live worker drawn at random and returns its id. */
    String killAny(Random random) throws InterruptedException {
        List<String> ids = new ArrayList<>(live.keySet());
        ids.sort(null); // the draw depends on the seed only, not on the map's order
        String victim = ids.get(random.nextInt(ids.size()));
        live.remove(victim).kill();
        return victim;
    }

    /**
     * The simulated phone of {@code phoneNumber} scans the QR that {@code workerId} shows for the number: the HTTP
     * status, or -1 when that worker is gone or does not answer.
     */
    int scan(String workerId, long numberId, String phoneNumber) throws InterruptedException {
        WorkerProcess worker = live.get(workerId);
        if (worker == null) {
            return -1;
        }
        try {
            return worker.post("/simulator/sessions/" + numberId + "/scan",
                    "{\"phoneNumber\":\"" + phoneNumber + "\"}");
        } catch (IOException unreachable) {
            return -1;
        }
    }

    /** Every id a worker of this run was started under, the killed ones included. */
    List<String> everStarted() {
        return List.copyOf(everStarted);
    }

    List<String> liveIds() {
        return live.keySet().stream().sorted().toList();
    }

    private WorkerProcess start(String id) {
        Path dataDir = runDir.resolve(id);
        List<String> arguments = new ArrayList<>(settings);
        arguments.add("--worker.id=" + id);
        try {
            WorkerProcess worker = new WorkerProcess(jar, dataDir, WorkerProcess.SMALL_JVM, arguments);
            Files.writeString(dataDir.resolve("pid"), Long.toString(worker.pid()));
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + jar, e);
        }
    }

    /** Starts {@code count} workers under new ids at once, and waits until all are healthy. */
    void startNew(int count) throws InterruptedException {
        List<Step> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starts.add(this::startNew);
        }
        inParallel(starts);
    }

    /** Stops the live workers (SIGTERM, as an orchestrator's scale-down would), all at once. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        inParallel(live.values().stream().<Step>map(worker -> worker::close).toList());
        live.clear();
    }

    /** Something to do that waits, and so may be interrupted. */
    private interface Step {
        void run() throws InterruptedException;
    }

    private static void inParallel(List<Step> steps) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Step step : steps) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    step.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
