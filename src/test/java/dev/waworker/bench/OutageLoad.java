package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.waworker.testing.OwnRabbitNode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load harness (run by scripts/bench-outage.sh, not by the test suite): the packaged worker in simulated mode on
 * a RabbitMQ node of its own, N live validations (default 500, QRs of 20 s), then the node's broker stopped
 * ({@code rabbitmqctl stop_app}) for S seconds (default 30) and started again. Counts the events lost: the gaps in
 * each number's {@code qrIndex} and {@code attempt} sequences, and the QRs the worker generated that the backend
 * never received. Reports the outbox's added latency ({@code worker.outbox.latency}: from the write to the
 * outbox to the broker's confirm), p50 and p99, under the burst before the outage and over the whole run.
 *
 * <p>Arguments: {@code <worker jar> [validations=500] [outage seconds=30]}.
 */
public final class OutageLoad {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the backend received of one number, each event counted once by its {@code eventId}. */
    private record Received(Set<Integer> qrIndexes, Set<Integer> attempts) {
        Received() {
            this(new TreeSet<>(), new TreeSet<>());
        }

        /** Values missing from 1..max of each sequence: events of this number that never arrived. */
        int gaps() {
            return gapsIn(qrIndexes) + gapsIn(attempts);
        }

        private static int gapsIn(Set<Integer> values) {
            return values.isEmpty() ? 0 : ((TreeSet<Integer>) values).last() - values.size();
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int validations = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Duration outage = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 30);
        try (OwnRabbitNode node = new OwnRabbitNode().start();
             BenchWorker worker = new BenchWorker(jar, "--whatsapp.client=simulated",
                     "--spring.rabbitmq.port=" + node.port)) {
            ConnectionFactory factory = new ConnectionFactory();
            factory.setPort(node.port);
            factory.setNetworkRecoveryInterval(500); // the backend's consumer comes back with the broker
            worker.awaitHealthy();
            Map<Long, Received> received = new ConcurrentHashMap<>();
            Set<String> eventIds = ConcurrentHashMap.newKeySet();
            AtomicLong repeats = new AtomicLong();
            AtomicLong qrsReceived = new AtomicLong();
            try (Connection connection = factory.newConnection(worker.run);
                 Channel channel = connection.createChannel()) {
                channel.queueDeclare(worker.eventsQueue, true, false, false, null);
                channel.basicConsume(worker.eventsQueue, true, (tag, delivery) -> {
                    JsonNode event = JSON.readTree(delivery.getBody());
                    if (!eventIds.add(event.path("eventId").asString())) {
                        repeats.incrementAndGet();
                        return;
                    }
                    Received number = received.computeIfAbsent(event.path("numberId").asLong(),
                            id -> new Received());
                    switch (event.path("action").asString()) {
                        case "qr_generated" -> {
                            qrsReceived.incrementAndGet();
                            synchronized (number) {
                                number.qrIndexes().add(event.path("qrIndex").asInt());
                            }
                        }
                        case "qr_regenerating" -> {
                            synchronized (number) {
                                number.attempts().add(event.path("attempt").asInt());
                            }
                        }
                        default -> { }
                    }
                }, tag -> { });

                for (long numberId = 1; numberId <= validations; numberId++) {
                    String body = "{\"action\":\"create\",\"data\":{\"numberId\":" + numberId
                            + ",\"phoneNumber\":\"+2217" + String.format("%08d", numberId) + "\"}}";
                    channel.basicPublish("", worker.commandQueue, new AMQP.BasicProperties.Builder()
                            .contentType("application/json").build(), body.getBytes(StandardCharsets.UTF_8));
                }
                await().atMost(Duration.ofMinutes(2)).until(() -> received.size() == validations);
                String burst = latency(worker);

                System.out.printf("%d live validations; stopping the broker for %d s%n", validations,
                        outage.toSeconds());
                node.stopApp();
                Thread.sleep(outage); // the outage itself, not a synchronisation
                node.startApp();
                long owedAfterOutage = (long) worker.prometheus("worker_outbox_owed");
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                        .until(() -> worker.prometheus("worker_outbox_owed") == 0);
                double generated = worker.prometheus("whatsapp_qr_generated_total");
                await().atMost(Duration.ofSeconds(60)).until(() -> qrsReceived.get() >= generated);

                long gaps = received.values().stream().mapToLong(Received::gaps).sum();
                long missingQrs = Math.max(0, (long) generated - qrsReceived.get());
                System.out.printf("events received: %d distinct, %d repeated (same eventId)%n", eventIds.size(),
                        repeats.get());
                System.out.printf("owed when the broker came back: %d (the outbox's backlog)%n", owedAfterOutage);
                System.out.printf("events lost: %d (gaps in qrIndex/attempt) ; QRs generated %d, received %d%n",
                        gaps + missingQrs, (long) generated, qrsReceived.get());
                System.out.printf("outbox added latency, burst of %d creates before the outage: %s%n",
                        validations, burst);
                System.out.printf("outbox added latency, whole run (outage backlog included): %s%n",
                        latency(worker));
                for (String queue : List.of(worker.commandQueue, worker.eventsQueue)) {
                    channel.queueDelete(queue);
                }
                if (gaps + missingQrs > 0) {
                    System.exit(1);
                }
            }
        }
    }

    private static String latency(BenchWorker worker) throws Exception {
        return "p50 %.1f ms, p99 %.1f ms".formatted(
                1000 * worker.prometheus("worker_outbox_latency_seconds", "quantile=\"0.5\""),
                1000 * worker.prometheus("worker_outbox_latency_seconds", "quantile=\"0.99\""));
    }
}
