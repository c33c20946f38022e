package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.waworker.testing.OwnPostgres;
import dev.waworker.testing.WorkerHttp;
import io.micrometer.core.instrument.Gauge;

/**
 * The worker's PostgreSQL really stopped ({@code pg_ctl stop -m fast} on a cluster this test starts for itself) and
 * started again, for longer than the worker's leases: readiness turns DOWN and back UP within 5 s each, the commands
 * sent meanwhile wait and are served afterwards, none is dead-lettered, and the number whose lease lapsed is taken
 * back by the same worker.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.simulator.first-qr-ttl=60s",
        "whatsapp.simulator.next-qr-ttl=60s",
        "worker.ownership.lease-time=3s"})
@DirtiesContext
class DatabaseOutageIT extends WorkerTestBase {

    private static final OwnPostgres DATABASE = new OwnPostgres().start();
    /** What the issue asks of readiness, both ways. */
    private static final Duration READINESS_FOLLOWS = Duration.ofSeconds(5);
    private static final long PAIRING = 981;
    private static final List<Long> SENT_DURING_THE_OUTAGE = List.of(982L, 983L, 984L);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry properties) {
        DATABASE.workerProperties().forEach((name, value) -> properties.add(name, () -> value));
    }

    /** Stops the cluster with the worker. */
    @TestConfiguration
    static class OwnCluster {
        @Bean
        OwnPostgres ownPostgres() {
            return DATABASE;
        }
    }

    @LocalServerPort
    private int port;

    @Test
    void commandsWaitOutTheOutageAndTheWorkerTakesBackTheNumberWhoseLeaseLapsed() throws Exception {
        backend.sendCommand("create", PAIRING, "+221771230981");
        backend.awaitEvent(PAIRING, "qr_generated");
        assertThat(WorkerHttp.readiness(port)).isEqualTo(200);
        double failedBefore = commandsSettled("failed");

        DATABASE.stop();
        await().atMost(READINESS_FOLLOWS).until(() -> WorkerHttp.readiness(port) == 503);
        SENT_DURING_THE_OUTAGE.forEach(numberId ->
                backend.sendCommand("create", numberId, "+2217712309" + numberId % 100));
        // The leases lapse meanwhile: the worker drops its session (fencing), so that no other worker could clash.
        await().atMost(Duration.ofSeconds(15)).until(() -> liveSessions() == 0);
        assertThat(WorkerHttp.readiness(port)).as("still down while the database is").isEqualTo(503);

        DATABASE.startAgain();
        await().atMost(READINESS_FOLLOWS).until(() -> WorkerHttp.readiness(port) == 200);

        for (long numberId : SENT_DURING_THE_OUTAGE) {
            assertThat(backend.awaitEvent(numberId, "qr_generated").json()).containsEntry("qrIndex", 1);
        }
        await("the pairing number taken back, with a new QR").atMost(BackendProbe.WAIT)
                .until(() -> backend.eventsFor(PAIRING).stream()
                        .filter(event -> event.action().equals("qr_generated")).count() >= 2);
        assertThat(backend.messageCount(worker.deadLetterQueue())).as("nothing dead-lettered").isZero();
        assertThat(commandsSettled("failed")).isEqualTo(failedBefore);
    }

    private double liveSessions() {
        return meters.find("whatsapp.sessions").gauges().stream().mapToDouble(Gauge::value).sum();
    }
}
