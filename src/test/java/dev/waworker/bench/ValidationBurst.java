package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import org.awaitility.core.ConditionTimeoutException;

import dev.waworker.testing.LatencyChart;

/**
 * The burst (run by scripts/bench/burst.sh, not by the test suite): for each run, a fresh worker process in
 * simulated mode gets N {@code create} commands published at once, and the harness, acting as the backend, measures
 * for each number the time from its publish to its first {@code qr_generated} received. The worker publishes an event
 * only from its outbox, after the journal's commit, and the event reaches the backend's queue only once the broker
 * took it (the same broker confirms it), so this is the wait a person at a signup form sees, durability included.
 * Per run: p50/p90/p99/max, the worker's RSS, heap, threads and the CPU it used during the burst; then the median
 * run (by p99) and a chart of every run's distribution.
 *
 * <p>Arguments: {@code <worker jar> [validations=500] [runs=3] [chart=target/bench/burst-latency.png]}. Environment:
 * {@code BURST_JVM_OPTIONS} (options for the worker's JVM, e.g. {@code -XX:StartFlightRecording=...}),
 * {@code BURST_WORKER_ARGS} (the worker's own settings, e.g. {@code --worker.amqp.prefetch=500}),
 * {@code BURST_LABEL} (the legend's name for this code, e.g. "after"), {@code BURST_COMPARE} (a latencies file an
 * earlier run wrote, drawn beside, e.g. the code before a change). The median run's latencies go to
 * {@code <chart>.txt}, one per line in nanoseconds. RabbitMQ must answer on localhost:5672.
 */
public final class ValidationBurst {

    private static final Duration AT_MOST = Duration.ofSeconds(120);

    /** One run's figures; its latencies sorted. */
    private record Run(int index, long[] latenciesNanos, int expected, long rssKb, long peakRssKb, double heapMiB,
            double jvmThreads, long osThreads, double cpuPercent, Duration burst, String loadAverage,
            String outboxShare, Path log) {

        double p(int percent) {
            return latenciesNanos.length == 0 ? Double.NaN
                    : BenchWorker.percentile(Arrays.stream(latenciesNanos).mapToDouble(n -> n / 1e6).toArray(), percent);
        }

        boolean complete() {
            return latenciesNanos.length == expected;
        }

        void print(String label) {
            System.out.printf("%s: %d of %d first QRs in %d ms (load average at start %s)%n", label,
                    latenciesNanos.length, expected, burst.toMillis(), loadAverage);
            System.out.printf("  create -> first qr_generated: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    p(50), p(90), p(99), p(100));
            System.out.printf("  worker: RSS %d MiB (peak %d MiB), heap used %.0f MiB, JVM threads %.0f, OS threads %d,"
                    + " CPU %.0f %% of one core during the burst%n", rssKb / 1024, peakRssKb / 1024, heapMiB,
                    jvmThreads, osThreads, cpuPercent);
            System.out.printf("  of which in the outbox (written -> confirmed, worker.outbox.latency): %s%n", outboxShare);
            System.out.printf("  worker log: %s%n", log);
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int validations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path chart = Path.of(args.length > 3 ? args[3] : "target/bench/burst-latency.png");
        String label = envOr("BURST_LABEL", "this code");
        List<String> jvmOptions = words(envOr("BURST_JVM_OPTIONS", ""));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        List<Run> done = new ArrayList<>();
        for (int index = 1; index <= runs; index++) {
            Run run = run(index, jar, jvmOptions, factory, validations);
            run.print("run " + index + " (fresh worker)");
            done.add(run);
        }
        Run median = done.stream().sorted(Comparator.comparingDouble(run -> run.p(99))).toList().get(runs / 2);
        System.out.printf("%nmedian of %d runs (by p99) is run %d: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                runs, median.index(), median.p(50), median.p(90), median.p(99), median.p(100));
        median.print("median run");
        Files.createDirectories(chart.toAbsolutePath().getParent());
        Path latencies = Path.of(chart + ".txt");
        Files.write(latencies, Arrays.stream(median.latenciesNanos()).mapToObj(Long::toString).toList());
        List<LatencyChart.Series> series = new ArrayList<>();
        for (Run run : done) {
            series.add(new LatencyChart.Series("%s, run %d: p50 %.0f ms, p99 %.0f ms".formatted(label, run.index(),
                    run.p(50), run.p(99)), run.latenciesNanos()));
        }
        String compare = envOr("BURST_COMPARE", "");
        if (!compare.isBlank()) {
            long[] earlier = Files.readAllLines(Path.of(compare)).stream().mapToLong(Long::parseLong).toArray();
            double[] ms = Arrays.stream(earlier).sorted().mapToDouble(n -> n / 1e6).toArray();
            series.add(new LatencyChart.Series("%s (median run): p50 %.0f ms, p99 %.0f ms".formatted(
                    envOr("BURST_COMPARE_LABEL", "before"), BenchWorker.percentile(ms, 50),
                    BenchWorker.percentile(ms, 99)), earlier));
        }
        LatencyChart.draw(chart, "%d creates at once, fresh worker, simulated WhatsApp, with the outbox"
                .formatted(validations), "create published → first qr_generated received by the backend", series);
        System.out.printf("chart: %s, median run's latencies: %s%n", chart, latencies);
        if (!done.stream().allMatch(Run::complete)) {
            System.exit(1);
        }
    }

    /** A fresh worker, one burst, its figures. */
    private static Run run(int index, Path jar, List<String> jvmOptions, ConnectionFactory factory, int count)
            throws Exception {
        List<String> workerArguments = new ArrayList<>(List.of("--whatsapp.client=simulated"));
        workerArguments.addAll(words(envOr("BURST_WORKER_ARGS", "")));
        try (BenchWorker worker = new BenchWorker(jar, jvmOptions, workerArguments.toArray(String[]::new));
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            Map<Long, Long> firstQrAt = worker.firstQrTimes(channel);
            String loadAverage = Files.readString(Path.of("/proc/loadavg")).trim();
            AMQP.BasicProperties json = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .deliveryMode(2).build();
            long[] sentAt = new long[count];
            Duration cpuBefore = worker.process().cpuTime();
            long started = System.nanoTime();
            for (int k = 0; k < count; k++) {
                long numberId = k + 1;
                String command = """
                        {"action":"create","data":{"numberId":%d,"phoneNumber":"+22177%07d"},"timestamp":%d}"""
                        .formatted(numberId, numberId, System.currentTimeMillis());
                sentAt[k] = System.nanoTime();
                channel.basicPublish("", worker.commandQueue, json, command.getBytes(StandardCharsets.UTF_8));
            }
            try {
                await().atMost(AT_MOST).pollInterval(Duration.ofMillis(5)).until(() -> firstQrAt.size() >= count);
            } catch (ConditionTimeoutException e) {
                System.out.printf("run %d: only %d of %d first QRs within %s (worker log: %s)%n", index,
                        firstQrAt.size(), count, AT_MOST, worker.process().log());
            }
            long last = firstQrAt.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
            Duration burst = Duration.ofNanos(last - started);
            double cpu = worker.process().cpuTime().minus(cpuBefore).toNanos()
                    / (double) Math.max(1, System.nanoTime() - started) * 100;
            long[] latencies = new long[firstQrAt.size()];
            int filled = 0;
            for (int k = 0; k < count; k++) {
                Long at = firstQrAt.get((long) k + 1);
                if (at != null) {
                    latencies[filled++] = at - sentAt[k];
                }
            }
            long[] sorted = Arrays.copyOf(latencies, filled);
            Arrays.sort(sorted);
            Run run = new Run(index, sorted, count, worker.residentKb("VmRSS"),
                    worker.residentKb("VmHWM"),
                    worker.prometheusSum("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20),
                    worker.prometheus("jvm_threads_live_threads"), worker.residentKb("Threads"), cpu, burst,
                    loadAverage, outboxShare(worker), worker.process().log());
            worker.deleteQueues(channel);
            return run;
        }
    }

    /** What the outbox added ({@code worker.outbox.latency}: an event's write to its confirm), as the worker saw it. */
    private static String outboxShare(BenchWorker worker) throws IOException, InterruptedException {
        return "p50 %.0f ms, p99 %.0f ms, max %.0f ms".formatted(
                worker.prometheus("worker_outbox_latency_seconds", "quantile=\"0.5\"") * 1000,
                worker.prometheus("worker_outbox_latency_seconds", "quantile=\"0.99\"") * 1000,
                worker.prometheus("worker_outbox_latency_seconds_max") * 1000);
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    private static String envOr(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null ? otherwise : value;
    }
}
