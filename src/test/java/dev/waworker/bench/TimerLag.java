package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import org.awaitility.core.ConditionTimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.waworker.testing.LatencyChart;

/**
 * Timer lag harness (run by scripts/bench/timer-lag.sh, not by the test suite): starts the packaged worker in
 * simulated mode, sends N {@code create}s at once and lets every QR expire unscanned, so that N validations are live
 * at once and each goes through the seed's three regenerations. For each {@code qr_regenerating} it measures the lag
 * from the instant the QR it replaces was due to expire (its {@code qr_generated}'s {@code expiresAt}) to the
 * event's own {@code timestamp} (the worker's step) and to the instant the backend received it. While the waves
 * run it samples the worker: resident memory, heap, JVM and OS threads, CPU.
 *
 * <p>The first QR lives {@link #FIRST_QR_TTL} instead of the simulator's 20 s, so that all N are live before the
 * first one expires even when the creates take longer on a busy box; the next ones keep the seed's 20 s.
 *
 * <p>Arguments: {@code <worker jar> [live validations=5000] [runs=3] [chart directory=target/bench/timer-lag]}.
 * With the system property {@code timerLag.jfrDir} each worker records a JFR profile there. RabbitMQ must answer on
 * localhost:5672.
 */
public final class TimerLag {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration FIRST_QR_TTL = Duration.ofSeconds(30);
    /** Numbers in the thread-count comparison run (far fewer than N, same settings); 0 skips that run. */
    private static final int FEW = Integer.getInteger("timerLag.few", 100);

    /** What one run measured. */
    private record RunResult(long[] stepLagNanos, long[] receivedLagNanos, long[] afterStepNanos, Resources peak) {
    }

    /** The worker's resources at their highest during the waves, and its CPU over them. */
    private record Resources(long rssMiB, double heapMiB, double jvmThreads, long osThreads, double cpuPercent) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int live = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path charts = Path.of(args.length > 3 ? args[3] : "target/bench/timer-lag");
        List<RunResult> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            System.out.printf("run %d of %d: %d live validations (load average at its start: %s)%n", run, runs,
                    live, loadAverage());
            results.add(run(jar, live, "run" + run));
        }
        List<RunResult> byP99 = new ArrayList<>(results);
        byP99.sort((a, b) -> Double.compare(p(a.receivedLagNanos, 99), p(b.receivedLagNanos, 99)));
        RunResult median = byP99.get(byP99.size() / 2);
        System.out.printf("%nmedian run of %d (by p99 received), %d live validations:%n", runs, live);
        print(median);
        if (FEW > 0) {
            compareThreads(jar, live, median);
        }
        Files.createDirectories(charts);
        Path chart = charts.resolve("timer-lag.png");
        LatencyChart.draw(chart, "QR expiry → qr_regenerating, " + live + " live validations (simulated WhatsApp)",
                "expiresAt → qr_regenerating", List.of(
                        new LatencyChart.Series("event timestamp (the worker's step), median run",
                                median.stepLagNanos),
                        new LatencyChart.Series("received by the backend, median run", median.receivedLagNanos)));
        System.out.println("chart: " + chart);
    }

    private static void compareThreads(Path jar, int live, RunResult median) throws Exception {
        System.out.printf("%nthread comparison: %d live validations, one run (load average at its start: %s)%n",
                FEW, loadAverage());
        RunResult few = run(jar, FEW, "few");
        System.out.printf("threads at %d live validations: JVM %.0f, OS %d; at %d: JVM %.0f, OS %d%n", FEW,
                few.peak.jvmThreads, few.peak.osThreads, live, median.peak.jvmThreads, median.peak.osThreads);
    }

    private static RunResult run(Path jar, int count, String label) throws Exception {
        List<String> jvm = new ArrayList<>();
        String jfrDir = System.getProperty("timerLag.jfrDir");
        if (jfrDir != null) {
            Files.createDirectories(Path.of(jfrDir));
            jvm.add("-XX:StartFlightRecording=settings=profile,filename="
                    + Path.of(jfrDir, "timer-lag-" + label + ".jfr").toAbsolutePath());
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        try (BenchWorker worker = new BenchWorker(jar, jvm, "--whatsapp.client=simulated",
                "--whatsapp.simulator.first-qr-ttl=" + FIRST_QR_TTL.toSeconds() + "s");
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            Waves waves = new Waves();
            channel.basicConsume(worker.eventsQueue, true,
                    (tag, delivery) -> waves.received(JSON.readTree(delivery.getBody()), System.currentTimeMillis()),
                    tag -> { });
            sendCreates(channel, worker, count);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> waves.firstQrs.size() == count);
            System.out.printf("  all %d first QRs received; the first one expires %d ms after the last arrived%n",
                    count, waves.earliestExpiry.get() - waves.lastFirstQrAt.get());
            Resources peak = sampleUntilDone(worker, waves, count);
            RunResult result = new RunResult(nanos(waves.stepLagMs), nanos(waves.receivedLagMs),
                    nanos(waves.afterStepMs), peak);
            print(result);
            worker.deleteQueues(channel);
            return result;
        }
    }

    private static void sendCreates(Channel channel, BenchWorker worker, int count) throws Exception {
        AMQP.BasicProperties json = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).build();
        for (long numberId = 1; numberId <= count; numberId++) {
            String command = """
                    {"action":"create","data":{"numberId":%d,"phoneNumber":"+22177%07d"},"timestamp":%d}"""
                    .formatted(numberId, numberId, System.currentTimeMillis());
            channel.basicPublish("", worker.commandQueue, json, command.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Samples the worker every second until every number's validation ended (or 5 minutes passed). */
    private static Resources sampleUntilDone(BenchWorker worker, Waves waves, int count) throws Exception {
        long cpuBefore = worker.process().cpuTime().toNanos();
        long start = System.nanoTime();
        long rss = 0;
        long osThreads = 0;
        double heap = 0;
        double jvmThreads = 0;
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (waves.ended.size() < count && System.nanoTime() < deadline) {
            rss = Math.max(rss, worker.residentKb("VmRSS") / 1024);
            osThreads = Math.max(osThreads, worker.residentKb("Threads"));
            heap = Math.max(heap, metric(worker, "jvm.memory.used?tag=area:heap") / (1 << 20));
            jvmThreads = Math.max(jvmThreads, metric(worker, "jvm.threads.live"));
            Thread.sleep(1000);
        }
        if (waves.ended.size() < count) {
            throw new ConditionTimeoutException("only " + waves.ended.size() + " of " + count
                    + " validations ended within 5 minutes");
        }
        double cpu = (worker.process().cpuTime().toNanos() - cpuBefore) * 100.0 / (System.nanoTime() - start);
        return new Resources(rss, heap, jvmThreads, osThreads, cpu);
    }

    /**
     * A value of the worker's {@code /actuator/metrics/<name>}. Not the Prometheus scrape: that one also reads the
     * outbox's size from the database, and one scrape a second competed with the lanes for the journal's connection.
     */
    private static double metric(BenchWorker worker, String nameAndTags) throws Exception {
        return JSON.readTree(worker.process().get("/actuator/metrics/" + nameAndTags)).path("measurements").path(0)
                .path("value").asDouble(Double.NaN);
    }

    private static void print(RunResult result) {
        long[] step = result.stepLagNanos;
        long[] received = result.receivedLagNanos;
        System.out.printf("  %d qr_regenerating; lag from expiresAt to the event's timestamp: p50 %.0f ms, "
                        + "p99 %.0f ms, max %.0f ms; to its receipt: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                step.length, p(step, 50), p(step, 99), p(step, 100), p(received, 50), p(received, 99),
                p(received, 100));
        long[] after = result.afterStepNanos;
        System.out.printf("  of which from the event's timestamp to its receipt (journal, relay, broker): p50 %.0f ms, "
                + "p99 %.0f ms, max %.0f ms%n", p(after, 50), p(after, 99), p(after, 100));
        Resources peak = result.peak;
        System.out.printf("  during the waves: RSS peak %d MiB, heap used peak %.0f MiB, JVM threads peak %.0f, "
                + "OS threads peak %d, CPU %.0f %% of one core%n", peak.rssMiB, peak.heapMiB, peak.jvmThreads,
                peak.osThreads, peak.cpuPercent);
    }

    /** The machine's load average over 1, 5 and 15 minutes: the box is shared, so each run says how busy it was. */
    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + ", " + fields[1] + ", " + fields[2];
    }

    /** The {@code percent} percentile of {@code nanos} in milliseconds. */
    private static double p(long[] nanos, int percent) {
        double[] sorted = Arrays.stream(nanos).sorted().mapToDouble(n -> n / 1e6).toArray();
        return sorted.length == 0 ? Double.NaN : BenchWorker.percentile(sorted, percent);
    }

    private static long[] nanos(ConcurrentLinkedQueue<Long> millis) {
        return millis.stream().mapToLong(ms -> ms * 1_000_000).toArray();
    }

    /** The events of one run as the backend receives them, each number's in order. */
    private static final class Waves {
        /** Each number's shown QR's {@code expiresAt} (epoch ms): the one a {@code qr_regenerating} replaces. */
        final Map<Long, Long> shownExpiresAt = new ConcurrentHashMap<>();
        final Map<Long, Boolean> firstQrs = new ConcurrentHashMap<>();
        final Map<Long, Boolean> ended = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Long> stepLagMs = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Long> receivedLagMs = new ConcurrentLinkedQueue<>();
        /** From the event's timestamp to its receipt: the journal, the relay, the broker. */
        final ConcurrentLinkedQueue<Long> afterStepMs = new ConcurrentLinkedQueue<>();
        final AtomicLong earliestExpiry = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastFirstQrAt = new AtomicLong();

        void received(JsonNode event, long receivedAt) {
            long numberId = event.path("numberId").asLong();
            switch (event.path("action").asString()) {
                case "qr_generated" -> {
                    long expiresAt = event.path("expiresAt").asLong();
                    shownExpiresAt.put(numberId, expiresAt);
                    if (firstQrs.putIfAbsent(numberId, true) == null) {
                        earliestExpiry.accumulateAndGet(expiresAt, Math::min);
                        lastFirstQrAt.accumulateAndGet(receivedAt, Math::max);
                    }
                }
                case "qr_regenerating" -> {
                    long dueAt = shownExpiresAt.get(numberId);
                    stepLagMs.add(event.path("timestamp").asLong() - dueAt);
                    receivedLagMs.add(receivedAt - dueAt);
                    afterStepMs.add(receivedAt - event.path("timestamp").asLong());
                }
                case "error" -> ended.put(numberId, true);
                default -> { }
            }
        }
    }
}
