package dev.waworker.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.waworker.testing.QrPng;
import dev.waworker.testing.StandInServer;

/**
 * Load harness (run by scripts/bench-pairings.sh, not by the test suite): the packaged worker as its own process,
 * with the real whatsmeow, against the stand-in WhatsApp server. It pairs numbers one after the other, each as a
 * backend and a phone would (create, the QR read back from the event's PNG, the scan), and measures the time from
 * the scan to the {@code connected} event on the events queue; then it links more numbers, in groups, up to the
 * target of connected sessions, and reads the worker's resident memory.
 *
 * <p>Arguments: {@code <worker jar> [timed pairings=100] [connected sessions=200]}. RabbitMQ must answer on
 * localhost:5672 and {@code target/fakewa/fakewa} must be built.
 */
public final class RealProtocolPairings {

    private static final int GROUP = 10;

    private final StandInServer whatsApp;
    private final BenchWorker worker;
    private final StandInLinking linking;

    private RealProtocolPairings(StandInServer whatsApp, BenchWorker worker, Channel channel) throws IOException {
        this.whatsApp = whatsApp;
        this.worker = worker;
        this.linking = new StandInLinking(whatsApp, worker, channel);
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int timed = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int sessions = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        try (StandInServer whatsApp = StandInServer.start();
             BenchWorker worker = BenchWorker.againstStandIn(jar, whatsApp);
             Connection connection = factory.newConnection(worker.run);
             Channel channel = connection.createChannel()) {
            worker.awaitHealthy();
            new RealProtocolPairings(whatsApp, worker, channel).run(timed, sessions);
            worker.deleteQueues(channel);
        }
    }

    private void run(int timed, int sessions) throws Exception {
        long idleKb = worker.residentKb("VmRSS");
        double[] latencies = new double[timed];
        for (int i = 0; i < timed; i++) {
            latencies[i] = pairAndTime(i + 1);
        }
        java.util.Arrays.sort(latencies);
        System.out.printf("%d pairings one after the other, scan -> connected: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                timed, BenchWorker.percentile(latencies, 50), BenchWorker.percentile(latencies, 99),
                latencies[timed - 1]);
        for (long first = timed + 1; first <= sessions; first += GROUP) {
            linking.linkGroup(first, (int) Math.min(GROUP, sessions - first + 1));
        }
        await().atMost(StandInLinking.WAIT).until(() -> whatsApp.devices().stream()
                .filter(device -> device.path("connected").asBoolean()).count() >= sessions);
        long connectedKb = worker.residentKb("VmRSS");
        System.out.printf("worker RSS: %d MiB idle after start-up, %d MiB with %d connected sessions "
                        + "(peak %d MiB); %.0f KiB per session%n", idleKb / 1024, connectedKb / 1024, sessions,
                worker.residentKb("VmHWM") / 1024, (connectedKb - idleKb) / (double) sessions);
    }

    /** One pairing: create, QR, scan; the time from the scan to the backend's {@code connected}, in ms. */
    private double pairAndTime(long numberId) throws Exception {
        linking.create(numberId);
        String qr = QrPng.decode(linking.awaitQr(numberId));
        long scannedAt = System.nanoTime();
        linking.scan(numberId, qr);
        await().atMost(StandInLinking.WAIT).pollInterval(Duration.ofMillis(1))
                .until(() -> linking.connectedAt(numberId) != null);
        return (linking.connectedAt(numberId) - scannedAt) / 1e6;
    }
}
