package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;

/**
 * The packaged worker as its own process for a load harness: a run name of its own for its queues and data
 * directory, started with the harness's JDK, waited for until healthy, measured from {@code /proc}, stopped.
 */
final class BenchWorker implements AutoCloseable {

    final String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    final String commandQueue = run + ".session.update";
    final String eventsQueue = run + ".worker.events";
    final Path dataDir;
    private final int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
    private final Process process;

    /** Starts {@code jar} with the run's queues and data directory, plus {@code extraArgs}. */
    BenchWorker(Path jar, String... extraArgs) throws IOException {
        this(jar, List.of(), extraArgs);
    }

    /** The same, with options for the worker's JVM (such as {@code -Xmx384m}). */
    BenchWorker(Path jar, List<String> jvmOptions, String... extraArgs) throws IOException {
        dataDir = Files.createTempDirectory(run);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(); // the harness's own JDK
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
                "--worker.id=" + run, "--worker.data-dir=" + dataDir,
                "--worker.amqp.command-queue=" + commandQueue, "--worker.amqp.events-queue=" + eventsQueue,
                "--worker.amqp.dead-letter-queue=" + run + ".dlq",
                "--worker.amqp.worker-queue-prefix=" + run + ".session.update."));
        command.addAll(List.of(extraArgs));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("worker.log").toFile()).start();
    }

    void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the worker exited; see " + dataDir.resolve("worker.log"));
            }
            return http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"");
        });
    }

    /** A field of {@code /proc/<pid>/status} in KiB: {@code VmRSS} now, {@code VmHWM} the peak. */
    long residentKb(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElse(-1);
    }

    /** Deletes the queues the run declared. */
    void deleteQueues(Channel channel) throws IOException {
        for (String queue : List.of(commandQueue, eventsQueue, run + ".dlq", run + ".session.update." + run)) {
            channel.queueDelete(queue);
        }
    }

    /** The value below which {@code percent} % of the sorted samples lie (nearest rank). */
    static double percentile(double[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
