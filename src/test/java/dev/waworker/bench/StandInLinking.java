package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.waworker.testing.QrPng;
import dev.waworker.testing.StandInServer;

/**
 * Links numbers to a benchmarked worker as a backend and its users' phones would, against the stand-in WhatsApp
 * server: {@code create} on the worker's command queue, the QR read back from the event's PNG, the scan through
 * the stand-in's control API. It follows the worker's events queue and keeps when each number connected.
 */
final class StandInLinking {

    /** One {@code connected} event: when the harness received it, and the time the worker stamped on it. */
    record Connection(long numberId, long receivedNanos, Instant stamped) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<Long, String> firstQr = new ConcurrentHashMap<>();
    private final Map<Long, Long> connectedAt = new ConcurrentHashMap<>();
    private final Map<Long, String> failures = new ConcurrentHashMap<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final StandInServer whatsApp;
    private final BenchWorker worker;
    private final Channel channel;

    /** Starts following the worker's events queue. */
    StandInLinking(StandInServer whatsApp, BenchWorker worker, Channel channel) throws IOException {
        this.whatsApp = whatsApp;
        this.worker = worker;
        this.channel = channel;
        channel.basicConsume(worker.eventsQueue, true, (tag, delivery) -> record(delivery.getBody()), tag -> { });
    }

    private void record(byte[] body) {
        long now = System.nanoTime();
        JsonNode event = JSON.readTree(body);
        long numberId = event.path("numberId").asLong();
        switch (event.path("action").asString()) {
            case "qr_generated" -> firstQr.putIfAbsent(numberId, event.path("qrCode").asString());
            case "connected" -> {
                connectedAt.putIfAbsent(numberId, now);
                connections.add(new Connection(numberId, now, Instant.ofEpochMilli(event.path("timestamp").asLong())));
            }
            case "error" -> failures.put(numberId, event.path("code").asString());
            default -> { }
        }
    }

    /** When the number's first {@code connected} arrived ({@link System#nanoTime}), if it did. */
    Long connectedAt(long numberId) {
        return connectedAt.get(numberId);
    }

    /** Every {@code connected} received so far, in order. */
    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /**
     * Links the numbers {@code first} to {@code last}, {@code atOnce} of them in flight at any time (as many users
     * scanning at the same time): each pairing starts as soon as one before it has connected, so a slow handshake
     * does not hold up a whole group. Prints progress every 1,000 numbers.
     */
    void linkAll(long first, long last, int atOnce) throws InterruptedException {
        long started = System.nanoTime();
        AtomicLong next = new AtomicLong(first);
        AtomicLong done = new AtomicLong();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        try (ExecutorService linkers = Executors.newFixedThreadPool(atOnce)) {
            for (int i = 0; i < atOnce; i++) {
                linkers.execute(() -> {
                    for (long numberId = next.getAndIncrement(); numberId <= last && failed.isEmpty();
                         numberId = next.getAndIncrement()) {
                        try {
                            link(numberId);
                        } catch (Exception | Error e) {
                            failed.add(e);
                            return;
                        }
                        if (done.incrementAndGet() % 1000 == 0) {
                            System.out.printf("  %d linked after %.0f s%n", done.get(),
                                    (System.nanoTime() - started) / 1e9);
                        }
                    }
                });
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException("linking failed", failed.getFirst());
        }
    }

    /** One number: create, its first QR, the scan, and its {@code connected}. */
    void link(long numberId) throws IOException {
        create(numberId);
        scan(numberId, QrPng.decode(awaitQr(numberId)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> connectedAt.containsKey(numberId));
    }

    /** Links {@code count} numbers from {@code first} at once, as many users scanning at the same time. */
    void linkGroup(long first, int count) throws IOException {
        List<Long> numbers = new ArrayList<>();
        for (long numberId = first; numberId < first + count; numberId++) {
            create(numberId);
            numbers.add(numberId);
        }
        for (long numberId : numbers) {
            scan(numberId, QrPng.decode(awaitQr(numberId)));
        }
        await().atMost(WAIT).until(() -> numbers.stream().allMatch(connectedAt::containsKey));
    }

    void create(long numberId) throws IOException {
        String command = """
                {"action":"create","data":{"numberId":%d,"phoneNumber":"%s"}}""".formatted(numberId, phone(numberId));
        synchronized (channel) { // a channel takes one publisher at a time
            channel.basicPublish("", worker.commandQueue,
                    new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build(),
                    command.getBytes(StandardCharsets.UTF_8));
        }
    }

    String awaitQr(long numberId) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            if (failures.containsKey(numberId)) {
                throw new IllegalStateException("number " + numberId + " failed: " + failures.get(numberId));
            }
            return firstQr.containsKey(numberId);
        });
        return firstQr.get(numberId);
    }

    void scan(long numberId, String qr) {
        StandInServer.Answer answer = whatsApp.scan(qr, phone(numberId));
        if (answer.status() != 200) {
            throw new IllegalStateException("scan of number " + numberId + ": HTTP " + answer.status() + " "
                    + answer.body());
        }
    }

    static String phone(long numberId) {
        return "+22177%07d".formatted(numberId);
    }
}
