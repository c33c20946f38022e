package dev.waworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.rabbitmq.client.Channel;

import dev.waworker.testing.StandInServer;
import dev.waworker.testing.WorkerProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged worker as its own process for a load harness: a run name of its own for its queues and data
 * directory, started with the harness's JDK, waited for until healthy, measured from {@code /proc}, stopped.
 */
public final class BenchWorker implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    final String commandQueue = run + ".session.update";
    final String eventsQueue = run + ".worker.events";
    final Path dataDir;
    private final Path jar;
    private final List<String> jvmOptions;
    private final List<String> arguments;
    private WorkerProcess process;

    /** Starts {@code jar} with the run's queues and data directory, plus {@code extraArgs}. */
    BenchWorker(Path jar, String... extraArgs) throws IOException {
        this(jar, List.of(), extraArgs);
    }

    /** The same, with options for the worker's JVM (such as {@code -Xmx384m}). */
    BenchWorker(Path jar, List<String> jvmOptions, String... extraArgs) throws IOException {
        dataDir = Files.createTempDirectory(run);
        List<String> arguments = new ArrayList<>(List.of("--worker.id=" + run,
                "--worker.amqp.command-queue=" + commandQueue, "--worker.amqp.events-queue=" + eventsQueue,
                "--worker.amqp.dead-letter-queue=" + run + ".dlq",
                "--worker.amqp.worker-queue-prefix=" + run + ".session.update."));
        arguments.addAll(List.of(extraArgs));
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.arguments = arguments;
        process = new WorkerProcess(jar, dataDir, jvmOptions, arguments);
    }

    /**
     * The worker with the real whatsmeow pointed at the stand-in {@code whatsApp}, plus {@code extraArgs}; its JVM
     * options are those of the environment variable {@code WORKER_JVM_OPTIONS} (separated by spaces; the scripts
     * set the worker's own {@code @src/main/jvm/jvm.options}), none when it is unset.
     */
    static BenchWorker againstStandIn(Path jar, StandInServer whatsApp, String... extraArgs) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--whatsapp.client=whatsmeow",
                "--whatsapp.whatsmeow.test-server=" + whatsApp.address(),
                "--whatsapp.whatsmeow.test-server-root-key=" + whatsApp.rootKey(),
                "--whatsapp.whatsmeow.log-level=WARN"));
        arguments.addAll(List.of(extraArgs));
        String jvmOptions = System.getenv().getOrDefault("WORKER_JVM_OPTIONS", "").strip();
        return new BenchWorker(jar, jvmOptions.isEmpty() ? List.of() : List.of(jvmOptions.split("\\s+")),
                arguments.toArray(String[]::new));
    }

    /** Stops the worker (SIGTERM, a clean stop) and starts it again, same queues, same data directory. */
    void restart() throws IOException, InterruptedException {
        process.close();
        process = new WorkerProcess(jar, dataDir, jvmOptions, arguments);
    }

    /** The worker process of the current start. */
    WorkerProcess process() {
        return process;
    }

    /** The sum of every sample of {@code series} whose labels contain {@code label} (the heap's pools, say). */
    double prometheusSum(String series, String label) throws IOException, InterruptedException {
        return process.get("/actuator/prometheus").lines()
                .filter(line -> line.startsWith(series + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Waits up to 5 minutes: a worker starting on a busy shared box, or loading thousands of devices, takes long. */
    void awaitHealthy() {
        process.awaitHealthy(Duration.ofMinutes(5));
    }

    /**
     * A value of the worker's Prometheus scrape: the first sample of {@code series} whose labels contain
     * {@code label} (empty: any).
     */
    double prometheus(String series, String label) throws IOException, InterruptedException {
        return process.get("/actuator/prometheus").lines()
                .filter(line -> line.startsWith(series + "{") || line.startsWith(series + " "))
                .filter(line -> line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }

    double prometheus(String series) throws IOException, InterruptedException {
        return prometheus(series, "");
    }

    /** A field of {@code /proc/<pid>/status} in KiB: {@code VmRSS} now, {@code VmHWM} the peak. */
    long residentKb(String field) throws IOException {
        return process.residentKb(field);
    }

    /**
     * Consumes the run's events queue as the backend would: returns, per number, when ({@link System#nanoTime}) its
     * first {@code qr_generated} arrived, filled in as they come.
     */
    Map<Long, Long> firstQrTimes(Channel channel) throws IOException {
        Map<Long, Long> firstQrAt = new ConcurrentHashMap<>();
        channel.basicConsume(eventsQueue, true, (tag, delivery) -> {
            long now = System.nanoTime();
            JsonNode event = JSON.readTree(delivery.getBody());
            if ("qr_generated".equals(event.path("action").asString())) {
                firstQrAt.putIfAbsent(event.path("numberId").asLong(), now);
            }
        }, tag -> { });
        return firstQrAt;
    }

    /** Deletes the queues the run declared. */
    void deleteQueues(Channel channel) throws IOException {
        for (String queue : List.of(commandQueue, eventsQueue, run + ".dlq", run + ".session.update." + run)) {
            channel.queueDelete(queue);
        }
    }

    /** The value below which {@code percent} % of the sorted samples lie (nearest rank). */
    public static double percentile(double[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
