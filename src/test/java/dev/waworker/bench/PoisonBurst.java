package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * Hostile-input harness (run by scripts/bench-poison.sh, not by the test suite): starts the packaged worker in
 * simulated mode as its own process, puts on its command queue one huge command, then a stream of malformed ones,
 * then one valid {@code create}, and measures the time from the last publish to that create's first
 * {@code qr_generated}, and the worker's resident memory before, after, and at its peak.
 *
 * <p>Arguments: {@code <worker jar> [malformed=10000] [huge command MB=100] [worker JVM options...]}. RabbitMQ must
 * answer on localhost:5672 and accept the huge message (its default {@code max_message_size} is 128 MiB).
 */
public final class PoisonBurst {

    private static final long VALID_NUMBER_ID = 1;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int malformed = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int megabytes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        List<String> jvmOptions = args.length > 3 ? List.of(args).subList(3, args.length) : List.of();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        try (BenchWorker worker = new BenchWorker(jar, jvmOptions, "--whatsapp.client=simulated");
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            String deadLetterQueue = worker.run + ".dlq";
            System.out.printf("worker started with %s: RSS %d MiB%n", jvmOptions.isEmpty() ? "default JVM options"
                    : String.join(" ", jvmOptions), worker.residentKb("VmRSS") / 1024);
            AtomicLong servedAt = new AtomicLong();
            channel.basicConsume(worker.eventsQueue, true, (tag, delivery) -> {
                String event = new String(delivery.getBody(), StandardCharsets.UTF_8);
                if (event.contains("\"qr_generated\"") && event.contains("\"numberId\":" + VALID_NUMBER_ID + ",")) {
                    servedAt.compareAndSet(0, System.nanoTime());
                }
            }, tag -> { });
            AMQP.BasicProperties json = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .deliveryMode(2).build();
            long started = System.nanoTime();
            channel.basicPublish("", worker.commandQueue, json, hugeCommand(megabytes));
            for (int i = 0; i < malformed; i++) {
                channel.basicPublish("", worker.commandQueue, json, malformedCommand(i));
            }
            channel.basicPublish("", worker.commandQueue, json, """
                    {"action":"create","data":{"numberId":%d,"phoneNumber":"+221770000001"}}"""
                    .formatted(VALID_NUMBER_ID).getBytes(StandardCharsets.UTF_8));
            long sent = System.nanoTime();
            System.out.printf("published a %d MB command, %d malformed ones and a valid create in %d ms%n",
                    megabytes, malformed, (sent - started) / 1_000_000);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> servedAt.get() != 0);
            System.out.printf("valid create -> qr_generated: %d ms after its publish (%d ms after the first)%n",
                    (servedAt.get() - sent) / 1_000_000, (servedAt.get() - started) / 1_000_000);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> channel.messageCount(deadLetterQueue) == malformed + 1L);
            System.out.printf("all %d refused commands dead-lettered after %d ms; worker RSS %d MiB, peak %d MiB%n",
                    malformed + 1, (System.nanoTime() - started) / 1_000_000, worker.residentKb("VmRSS") / 1024,
                    worker.residentKb("VmHWM") / 1024);
            worker.deleteQueues(channel);
        }
    }

    /** A create whose phone number runs on for {@code megabytes}: valid JSON up to where it is cut. */
    private static byte[] hugeCommand(int megabytes) {
        byte[] body = new byte[megabytes * 1_000_000];
        Arrays.fill(body, (byte) '7');
        byte[] start = "{\"action\":\"create\",\"data\":{\"numberId\":2,\"phoneNumber\":\"+"
                .getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, body, 0, start.length);
        return body;
    }

    /** Four kinds in turn: not JSON, nested too deeply, an unknown action with a line break, a bad number id. */
    private static byte[] malformedCommand(int i) {
        String body = switch (i % 4) {
            case 0 -> "not json " + i;
            case 1 -> "[".repeat(2000);
            case 2 -> "{\"action\":\"nope\\r\\n" + i + "\"}";
            default -> "{\"action\":\"create\",\"data\":{\"numberId\":\"n" + i + "\"}}";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
