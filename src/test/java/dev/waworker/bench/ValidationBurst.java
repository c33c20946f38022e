package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import org.awaitility.core.ConditionTimeoutException;


/**
 * Load harness (run by scripts/bench-validations.sh, not by the test suite): starts the packaged worker in
 * simulated mode as its own process, sends N {@code create} commands at once through RabbitMQ, and measures for
 * each number the time from its command to its first {@code qr_generated}, then the worker's resident memory;
 * twice, since the first burst after start-up also pays for warming the JVM up.
 *
 * <p>Arguments: {@code <worker jar> [validations=500]}. RabbitMQ must answer on localhost:5672.
 */
public final class ValidationBurst {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int validations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        try (BenchWorker worker = new BenchWorker(jar, "--whatsapp.client=simulated");
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            Map<Long, Long> firstQrAt = worker.firstQrTimes(channel);
            // The first burst after start-up pays for class loading and JIT compilation; the second one shows
            // the steady state. Both are reported.
            boolean complete = burst("cold (first burst after start-up)", channel, worker, 1, validations,
                    firstQrAt);
            complete &= burst("warm (second burst)", channel, worker, validations + 1, validations, firstQrAt);
            worker.deleteQueues(channel);
            if (!complete) {
                System.exit(1);
            }
        }
    }

    /** Sends {@code count} creates at once and waits for their first QR; prints the latencies and the RSS. */
    private static boolean burst(String label, Channel channel, BenchWorker worker, long firstNumberId, int count,
                                 Map<Long, Long> firstQrAt) throws Exception {
        AMQP.BasicProperties json = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).build();
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        for (long numberId = firstNumberId; numberId < firstNumberId + count; numberId++) {
            String command = """
                    {"action":"create","data":{"numberId":%d,"phoneNumber":"+22177%07d"},"timestamp":%d}"""
                    .formatted(numberId, numberId, System.currentTimeMillis());
            sentAt.put(numberId, System.nanoTime());
            channel.basicPublish("", worker.commandQueue, json, command.getBytes(StandardCharsets.UTF_8));
        }
        boolean complete = true;
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> sentAt.keySet().stream().allMatch(firstQrAt::containsKey));
        } catch (ConditionTimeoutException e) {
            complete = false;
        }
        double[] sorted = sentAt.entrySet().stream().filter(sent -> firstQrAt.containsKey(sent.getKey()))
                .mapToDouble(sent -> (firstQrAt.get(sent.getKey()) - sent.getValue()) / 1e6).sorted().toArray();
        System.out.printf("%s: %d validations sent at once, first QR received for %d%n", label, count,
                sorted.length);
        if (sorted.length > 0) {
            System.out.printf("  create -> first qr_generated: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    BenchWorker.percentile(sorted, 50), BenchWorker.percentile(sorted, 90),
                    BenchWorker.percentile(sorted, 99), sorted[sorted.length - 1]);
        }
        System.out.printf("  worker RSS after them: %d MiB (peak so far %d MiB)%n",
                worker.residentKb("VmRSS") / 1024, worker.residentKb("VmHWM") / 1024);
        return complete;
    }
}
