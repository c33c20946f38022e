package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import org.awaitility.core.ConditionTimeoutException;

import dev.waworker.testing.LatencyChart;
import dev.waworker.testing.TestPostgres;

/**
 * Load harness for the sustained validation rate (issue 12; run by scripts/bench/sustained.sh, not by the test
 * suite). Each run starts the packaged worker in simulated mode on a store of its own (a fresh SQLite file, or a
 * fresh PostgreSQL database), warms it up with a small burst, then publishes N {@code create}s, all at once or at a
 * steady rate. A validation counts as done when the backend (this harness, consuming the events queue) received its
 * first {@code qr_generated}: the worker consumed the command, made it durable, rendered the QR, wrote the event
 * and the broker confirmed it to the relay. Reports validations per second (N over the time from the first publish
 * to the last first QR), latency percentiles, and the worker's RSS, heap, threads and CPU; then the median run of
 * all, and a chart of each run's latencies.
 *
 * <p>Arguments: {@code <worker jar> <sqlite|postgresql> [validations=5000] [rate per second, 0 = all at once]
 * [runs=3] [chart file] [JFR file: records the first run's worker, "" for none] [worker arguments...]}.
 */
public final class SustainedValidations {

    private static final int WARM_UP = 500;
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    /** What one run measured. */
    record Run(int index, int validations, double perSecond, long[] latenciesNanos, long rssMib, long peakRssMib,
               double heapMib, double jvmThreads, long osThreads, double cpuCores, double loadAverage) {

        double percentileMs(int percent) {
            double[] sorted = Arrays.stream(latenciesNanos).sorted().mapToDouble(nanos -> nanos / 1e6).toArray();
            return BenchWorker.percentile(sorted, percent);
        }

        void print(String label) {
            System.out.printf("%s: %d validations at %.0f/s; create -> first qr_generated received: p50 %.0f ms,"
                            + " p90 %.0f ms, p99 %.0f ms, max %.0f ms; worker RSS %d MiB (peak %d MiB), heap used"
                            + " %.0f MiB, JVM threads %.0f, OS threads %d, CPU %.2f cores; load average at start"
                            + " %.2f%n", label, validations, perSecond, percentileMs(50), percentileMs(90),
                    percentileMs(99), percentileMs(100), rssMib, peakRssMib, heapMib, jvmThreads, osThreads,
                    cpuCores, loadAverage);
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        String store = args[1];
        if (!store.equals("sqlite") && !store.equals("postgresql")) {
            throw new IllegalArgumentException("store must be sqlite or postgresql, was " + store);
        }
        int validations = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        int rate = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Path chart = Path.of(args.length > 5 ? args[5] : "target/bench/sustained-" + store + ".png");
        String jfr = args.length > 6 ? args[6] : "";
        List<String> workerArguments = args.length > 7 ? List.of(args).subList(7, args.length) : List.of();
        String how = rate == 0 ? "all at once" : "at " + rate + "/s";
        System.out.printf("Sustained validations: %s, %d creates %s, %d run(s) (each a fresh worker and store)%s%n",
                store, validations, how, runs, workerArguments.isEmpty() ? "" : ", worker " + workerArguments);
        List<Run> done = new ArrayList<>();
        for (int index = 1; index <= runs; index++) {
            List<String> jvm = index == 1 && !jfr.isEmpty()
                    ? List.of("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true")
                    : List.of();
            Run run = run(index, jar, store, validations, rate, jvm, workerArguments);
            run.print("run " + index);
            done.add(run);
        }
        List<Run> byRate = done.stream().sorted((a, b) -> Double.compare(a.perSecond(), b.perSecond())).toList();
        Run median = byRate.get(byRate.size() / 2);
        median.print("median (run " + median.index() + ")");
        Files.createDirectories(chart.toAbsolutePath().getParent());
        LatencyChart.draw(chart, "Sustained validations, " + store + ": " + validations + " creates " + how,
                "create → first qr_generated received by the backend",
                done.stream().map(run -> new LatencyChart.Series("run %d: %.0f validations/s, p99 %.0f ms"
                        .formatted(run.index(), run.perSecond(), run.percentileMs(99)), run.latenciesNanos()))
                        .toList());
        System.out.println("chart: " + chart);
        if (done.stream().anyMatch(run -> run.latenciesNanos().length < validations)) {
            System.out.println("INCOMPLETE: some validations never got their first QR");
            System.exit(1);
        }
    }

    private static Run run(int index, Path jar, String store, int validations, int rate, List<String> jvm,
                           List<String> workerArguments) throws Exception {
        TestPostgres.Database database = store.equals("postgresql") ? TestPostgres.freshDatabase("sustained") : null;
        List<String> arguments = new ArrayList<>(List.of("--whatsapp.client=simulated"));
        arguments.addAll(workerArguments);
        if (database != null) {
            database.workerProperties().forEach((key, value) -> arguments.add("--" + key + "=" + value));
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        try (BenchWorker worker = new BenchWorker(jar, jvm, arguments.toArray(String[]::new));
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            Map<Long, Long> firstQrAt = worker.firstQrTimes(channel);
            // Class loading and JIT compilation are paid before the measurement, not in it.
            publish(channel, worker, 1, WARM_UP, 0, firstQrAt);
            double load = loadAverage();
            long cpuBefore = worker.process().cpuTime().toNanos();
            long started = System.nanoTime();
            Map<Long, Long> sentAt = publish(channel, worker, WARM_UP + 1, validations, rate, firstQrAt);
            long now = System.nanoTime();
            // The rate's end: the last first QR received (or now, when some never came).
            long finished = sentAt.keySet().stream().map(firstQrAt::get).filter(at -> at != null)
                    .mapToLong(Long::longValue).max().orElse(now);
            double cpuCores = (worker.process().cpuTime().toNanos() - cpuBefore) / (double) (finished - started);
            long[] latencies = sentAt.entrySet().stream().filter(sent -> firstQrAt.containsKey(sent.getKey()))
                    .mapToLong(sent -> firstQrAt.get(sent.getKey()) - sent.getValue()).toArray();
            Run run = new Run(index, validations, latencies.length / ((finished - started) / 1e9), latencies,
                    worker.residentKb("VmRSS") / 1024, worker.residentKb("VmHWM") / 1024,
                    worker.prometheusSum("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20),
                    worker.prometheus("jvm_threads_live_threads"), worker.residentKb("Threads"), cpuCores, load);
            worker.deleteQueues(channel);
            return run;
        } finally {
            if (database != null) {
                database.drop();
            }
        }
    }

    /**
     * Publishes {@code count} creates from {@code firstNumberId}, all at once ({@code rate} 0) or {@code rate} per
     * second, and waits until each got its first QR (or {@link #PATIENCE} ran out). Returns when each was sent.
     */
    private static Map<Long, Long> publish(Channel channel, BenchWorker worker, long firstNumberId, int count, int rate,
                                           Map<Long, Long> firstQrAt) throws Exception {
        AMQP.BasicProperties json = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).build();
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long numberId = firstNumberId + i;
            if (rate > 0) {
                long due = start + i * 1_000_000_000L / rate;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
            String command = """
                    {"action":"create","data":{"numberId":%d,"phoneNumber":"+22177%07d"},"timestamp":%d}"""
                    .formatted(numberId, numberId, System.currentTimeMillis());
            sentAt.put(numberId, System.nanoTime());
            channel.basicPublish("", worker.commandQueue, json, command.getBytes(StandardCharsets.UTF_8));
        }
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                    .until(() -> sentAt.keySet().stream().allMatch(firstQrAt::containsKey));
        } catch (ConditionTimeoutException e) {
            System.out.printf("only %d of %d validations got their first QR within %s%n",
                    sentAt.keySet().stream().filter(firstQrAt::containsKey).count(), count, PATIENCE);
        }
        return sentAt;
    }

    /** The machine's 1-minute load average, from {@code /proc/loadavg}. */
    private static double loadAverage() throws java.io.IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
}
