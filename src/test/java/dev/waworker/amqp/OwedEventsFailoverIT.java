package dev.waworker.amqp;

import static dev.waworker.amqp.WorkerFleet.workerIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.waworker.testing.TcpProxy;
import dev.waworker.testing.TestPostgres;

/**
 * Owed events outlive their worker and never outlive its lease: two real worker processes (the packaged jar,
 * simulated WhatsApp) on the real RabbitMQ and PostgreSQL; the first reaches both through proxies this test cuts.
 * Partitioned from PostgreSQL while the broker stays up, it publishes nothing for its number once the other worker
 * took it over; cut off from the broker and SIGKILLed with an outcome still in its outbox, the other worker delivers
 * what it owed. The partition runs first: the second test kills the worker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwedEventsFailoverIT {

    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final String CUT_OFF = "owed-1";
    private static final TcpProxy DATABASE = new TcpProxy(TestPostgres.host(), TestPostgres.port());
    private static final TcpProxy BROKER = new TcpProxy(RabbitBroker.host(), RabbitBroker.port());
    private static final WorkerFleet FLEET = new WorkerFleet("owed", 2, LEASE, (id, database) -> !id.equals(CUT_OFF)
            ? Map.of()
            : Map.of("spring.datasource.url", database.urlThrough(DATABASE.port()),
                    "spring.rabbitmq.host", "127.0.0.1", "spring.rabbitmq.port", BROKER.port(),
                    // A QR expires within a second of the partition, well before the worker's leases are fenced
                    // (two thirds of a lease after its last renewal): its next step is written late, and stale.
                    "whatsapp.simulator.first-qr-ttl", "1s", "whatsapp.simulator.next-qr-ttl", "1s",
                    "whatsapp.qr.max-retries", "20"));
    private static final BackendProbe BACKEND = FLEET.backend;
    private static final JdbcClient SQL = JdbcClient.create(
            new DriverManagerDataSource(FLEET.database.url(), TestPostgres.USER, TestPostgres.PASSWORD));

    private final FleetMember cutOff = FLEET.worker(CUT_OFF);
    private final FleetMember survivor = FLEET.worker("owed-2");

    @AfterAll
    static void stop() throws InterruptedException {
        FLEET.close();
        DATABASE.close();
        BROKER.close();
    }

    /** Sends {@code create} for the number on the shared queue, naming the cut-off worker: it becomes the owner. */
    private static void createOnTheCutOffWorker(long number, String phone) {
        // Alive in the registry (a partition just healed leaves its heartbeat old for a moment): others forward to it.
        await().atMost(LEASE).until(() -> SQL.sql("SELECT heartbeat_at FROM worker_registry WHERE worker_id = ?")
                .param(CUT_OFF).query(Long.class).single() > System.currentTimeMillis() - LEASE.toMillis() / 2);
        BACKEND.sendJson(FLEET.shared.commandQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":" + number
                + ",\"phoneNumber\":\"" + phone + "\",\"workerId\":\"" + CUT_OFF + "\"}}");
        assertThat(workerIdOf(BACKEND.awaitEvent(number, "qr_generated"))).isEqualTo(CUT_OFF);
    }

    private double fenced() throws IOException, InterruptedException {
        return cutOff.counter("worker.outbox.fenced") + survivor.counter("worker.outbox.fenced");
    }

    @Test
    @Order(1)
    void aWorkerPartitionedFromTheDatabasePublishesNothingForItsNumberOnceAnotherWorkerTookItOver() throws Exception {
        long number = 9301;
        createOnTheCutOffWorker(number, "+221779301000");
        double fencedBefore = fenced();

        DATABASE.pause();
        await().atMost(LEASE.multipliedBy(3)).until(() -> BACKEND.eventsFor(number).stream()
                .anyMatch(event -> workerIdOf(event).equals(survivor.id())));
        DATABASE.heal();

        // The step the partitioned worker took meanwhile (its QR expired) reaches the database once the partition
        // heals, under the lease it lost: it is not recorded, and its events are never published.
        await().atMost(Duration.ofSeconds(30)).until(() -> fenced() > fencedBefore);
        List<BackendProbe.Event> events = BACKEND.eventsFor(number);
        int takenOver = events.indexOf(events.stream()
                .filter(event -> workerIdOf(event).equals(survivor.id())).findFirst().orElseThrow());
        assertThat(events.subList(takenOver, events.size())).as("after the take-over, only the new owner publishes")
                .extracting(WorkerFleet::workerIdOf).containsOnly(survivor.id());
        assertThat(events.get(takenOver).action()).isEqualTo("qr_generated");
        // The new owner serves the number: a command reaches it, wherever it was consumed.
        BACKEND.sendCommand("close", number, "+221779301000");
        assertThat(workerIdOf(BACKEND.awaitEvent(number, "disconnected"))).isEqualTo(survivor.id());
        // Closed for good: no stale record of the partitioned worker is left for a take-over to resume.
        await().atMost(BackendProbe.WAIT).until(() -> SQL.sql("SELECT COUNT(*) FROM validation WHERE number_id = ?")
                .param(number).query(Long.class).single() == 0);
    }

    @Test
    @Order(2)
    void theEventsAKilledWorkerOwedAreDeliveredByASurvivorInTheirOrderWithTheirEventIds() throws Exception {
        long number = 9402;
        createOnTheCutOffWorker(number, "+221779402000");

        BROKER.cut();
        assertThat(cutOff.scan(number, "+221779402999")).as("scanned with the wrong account").isEqualTo(409);
        List<Map<String, Object>> owed = await().atMost(BackendProbe.WAIT).until(() -> SQL.sql("""
                        SELECT event_id, action FROM outbox WHERE worker_id = ? AND number_id = ? ORDER BY seq""")
                .params(CUT_OFF, number).query().listOfRows(),
                rows -> rows.stream().anyMatch(row -> row.get("action").equals("error")));
        cutOff.kill();

        List<Object> owedIds = owed.stream().map(row -> row.get("event_id")).toList();
        await().atMost(LEASE.plusSeconds(10)).until(() -> BACKEND.eventsFor(number).stream()
                .map(event -> event.get("eventId")).toList().containsAll(owedIds));
        assertThat(BACKEND.eventsFor(number).stream().map(event -> event.get("eventId"))
                .filter(owedIds::contains).distinct().toList()).as("in their order, with their eventIds")
                .isEqualTo(owedIds);
        assertThat(BACKEND.eventsFor(number).getLast().json()).containsEntry("action", "error")
                .containsEntry("code", "PHONE_MISMATCH");
        assertThat(survivor.counter("worker.outbox.adopted", "reason:worker-silent"))
                .isGreaterThanOrEqualTo(owedIds.size());
        await().atMost(BackendProbe.WAIT).until(() -> SQL.sql("SELECT COUNT(*) FROM outbox").query(Long.class)
                .single() == 0);
    }
}
