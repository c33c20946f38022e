package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.waworker.testing.BusiestSecond;
import dev.waworker.testing.StandInServer;

/**
 * Load harness (run by scripts/bench/restart-storm.sh, not by the test suite): the packaged worker as its own
 * process, with the real whatsmeow, against the stand-in WhatsApp server. It measures the worker with no session
 * (its fixed part), links N numbers (10 pairings in flight at once by default), measures the worker holding them
 * idle, restarts it (a clean stop, the same data directory) and measures the reconnect storm: the time until every
 * number is {@code connected} again, the most reconnects started in any one second (the worker's own log lines)
 * against the configured rate, and the worker idle afterwards: resident memory, heap, threads, CPU.
 *
 * <p>Arguments: {@code <worker jar> [numbers=1000] [rate per second=50] [jitter=100ms] [pairings at once=10]}.
 * RabbitMQ must answer on localhost:5672 and {@code target/fakewa/fakewa} must be built.
 */
public final class RestartStorm {

    private static final Duration IDLE = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int numbers = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        String jitter = args.length > 3 ? args[3] : "100ms";
        int atOnce = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        try (StandInServer whatsApp = StandInServer.start();
             BenchWorker worker = BenchWorker.againstStandIn(jar, whatsApp,
                     "--whatsapp.reconnect.rate-per-second=" + rate, "--whatsapp.reconnect.jitter=" + jitter);
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            report("healthy, before linking", worker, 0); // the fixed part: a worker with no session
            StandInLinking linking = new StandInLinking(whatsApp, worker, channel);
            long linkingStarted = System.nanoTime();
            linking.linkAll(1, numbers, atOnce);
            System.out.printf("linked %d numbers (%d at once) in %.0f s%n", numbers, atOnce,
                    (System.nanoTime() - linkingStarted) / 1e9);
            report("before the restart", worker, numbers);

            int before = linking.connections().size();
            long restartedAt = System.nanoTime();
            worker.restart();
            worker.awaitHealthy();
            long healthyAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(60 + 3L * numbers / rate)).until(() ->
                    reconnected(since(linking.connections(), before)) >= numbers);
            List<StandInLinking.Connection> again = since(linking.connections(), before);
            long lastAt = again.stream().mapToLong(StandInLinking.Connection::receivedNanos).max().orElseThrow();
            List<Instant> starts = reconnectStarts(worker.process().log());
            System.out.printf("restart with %d linked numbers at %d/s, jitter %s: healthy after %.1f s, all connected"
                            + " again %.1f s after the restart (%.1f s after healthy)%n", numbers, rate, jitter,
                    (healthyAt - restartedAt) / 1e9, (lastAt - restartedAt) / 1e9, (lastAt - healthyAt) / 1e9);
            System.out.printf("reconnects started (worker log): %d; most in any 1 s window: %d (configured rate %d);"
                            + " connected events in the busiest second: %d%n", starts.size(),
                    BusiestSecond.of(starts), rate,
                    BusiestSecond.of(again.stream().map(StandInLinking.Connection::stamped).toList()));
            report("after the restart", worker, numbers);
            worker.deleteQueues(channel);
        }
    }

    /** The connections after the first {@code before} of one snapshot (events keep arriving meanwhile). */
    private static List<StandInLinking.Connection> since(List<StandInLinking.Connection> snapshot, int before) {
        return snapshot.subList(before, snapshot.size());
    }

    private static long reconnected(List<StandInLinking.Connection> connections) {
        Set<Long> numbers = connections.stream().map(StandInLinking.Connection::numberId).collect(Collectors.toSet());
        return numbers.size();
    }

    /** The worker idle for {@link #IDLE}: resident memory, heap, threads, CPU. */
    private static void report(String when, BenchWorker worker, int numbers) throws Exception {
        Thread.sleep(Duration.ofSeconds(10)); // the logins' buffers settle first
        Duration cpuBefore = worker.process().cpuTime();
        long wallBefore = System.nanoTime();
        Thread.sleep(IDLE);
        double cpu = (worker.process().cpuTime().minus(cpuBefore).toNanos()) / (double) (System.nanoTime()
                - wallBefore) * 100;
        System.out.printf("%s, %d connected, idle: RSS %d MiB (peak %d MiB), heap used %.0f MiB, JVM threads %.0f,"
                        + " OS threads %d, CPU %.1f %% of one core over %d s%n", when, numbers,
                worker.residentKb("VmRSS") / 1024, worker.residentKb("VmHWM") / 1024,
                worker.prometheusSum("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20),
                worker.prometheus("jvm_threads_live_threads"), worker.residentKb("Threads"), cpu, IDLE.toSeconds());
    }

    /** When each paced reconnect started: the instant the worker's pacing counted, from its INFO lines. */
    private static List<Instant> reconnectStarts(Path log) throws Exception {
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.contains(" in its turn at "))
                    .map(line -> Instant.parse(line.substring(line.indexOf(" in its turn at ") + 16,
                            line.indexOf(", after "))))
                    .toList();
        }
    }
}
