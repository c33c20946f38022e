package dev.waworker.amqp;

import static dev.waworker.amqp.WorkerFleet.workerIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.waworker.testing.TestPostgres;

/**
 * Three real worker processes (the packaged jar, simulated WhatsApp) on one real RabbitMQ and one real PostgreSQL,
 * all consuming the same command queue: each number has one owner, commands reach it wherever they were consumed,
 * when the owner of a linked number is killed another worker takes the number over, and a command left in a killed
 * worker's queue is routed again by a survivor.
 */
class ManyWorkersIT {

    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final WorkerFleet FLEET = new WorkerFleet("many", 3, LEASE);
    private static final BackendProbe BACKEND = FLEET.backend;
    private static final JdbcClient DATABASE = JdbcClient.create(
            new DriverManagerDataSource(FLEET.database.url(), TestPostgres.USER, TestPostgres.PASSWORD));
    /** The tag every meter carries: selects a counter without tags of its own. */
    private static final String ANY = "application:whatsapp-worker";

    @AfterAll
    static void stopWorkers() throws InterruptedException {
        FLEET.close();
    }

    @Test
    void everyCommandForANumberIsHandledByItsOwnerAndCloseReachesIt() throws Exception {
        long number = 8101;
        String phone = "+221778101000";
        BACKEND.sendCommand("create", number, phone);
        String owner = workerIdOf(BACKEND.awaitEvent(number, "qr_generated"));
        // Nine more on the shared queue, each once the previous one's QR is out (a QR superseded before it is
        // shown is never published): the three workers take turns consuming them.
        for (int i = 0; i < 9; i++) {
            BACKEND.sendCommand("regenerate_qr", number, phone);
            long expected = i + 2;
            await().atMost(BackendProbe.WAIT).until(() -> FLEET.count(number, "qr_generated") == expected);
        }
        BACKEND.sendCommand("close", number, phone);
        BackendProbe.Event closed = BACKEND.awaitEvent(number, "disconnected");

        assertThat(workerIdOf(closed)).isEqualTo(owner);
        assertThat(BACKEND.eventsFor(number).stream().map(WorkerFleet::workerIdOf).collect(Collectors.toSet()))
                .containsExactly(owner);
        double forwarded = 0;
        for (FleetMember worker : FLEET.workers) {
            forwarded += worker.counter("worker.commands", "outcome:forwarded");
        }
        assertThat(forwarded).as("commands the others consumed and forwarded to the owner").isPositive();
    }

    @Test
    void aKilledOwnersLinkedNumberIsTakenOverOnceWithinTheLeaseTimePlusFiveSeconds() throws Exception {
        long number = 8102;
        String phone = "+221778102000";
        FleetMember owner = FLEET.createAndFindOwner(number, phone);
        assertThat(owner.scan(number, phone)).isEqualTo(200);
        BACKEND.awaitEvent(number, "connected");

        owner.kill();
        Instant killed = Instant.now();
        await().atMost(LEASE.plusSeconds(5)).until(() -> FLEET.count(number, "connected") == 2);
        BackendProbe.Event takenOver = BACKEND.eventsFor(number).getLast();
        assertThat(takenOver.action()).isEqualTo("connected");
        assertThat(workerIdOf(takenOver)).isNotEqualTo(owner.id());
        System.out.printf("Linked number taken over %d ms after SIGKILL of its owner%n",
                Duration.between(killed, Instant.now()).toMillis());

        owner.start().awaitHealthy();
        // Two whole leases after the restart: the old owner's renewals and take-overs have run several times.
        await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3))
                .until(() -> FLEET.count(number, "connected") == 2);

        BACKEND.sendCommand("close", number, phone);
        assertThat(workerIdOf(BACKEND.awaitEvent(number, "disconnected"))).isEqualTo(workerIdOf(takenOver));
    }

    @Test
    void aValidationInProgressOnAKilledOwnerGoesOnOnAnotherWorker() throws Exception {
        long number = 8104;
        String phone = "+221778104000";
        FleetMember owner = FLEET.createAndFindOwner(number, phone);

        owner.kill();
        await().atMost(LEASE.plusSeconds(5)).until(() -> FLEET.count(number, "qr_generated") == 2);
        BackendProbe.Event resumed = BACKEND.eventsFor(number).getLast();
        assertThat(workerIdOf(resumed)).isNotEqualTo(owner.id());
        assertThat(resumed.json()).containsEntry("qrIndex", 2);

        owner.start().awaitHealthy();
        BACKEND.sendCommand("close", number, phone);
        assertThat(workerIdOf(BACKEND.awaitEvent(number, "disconnected"))).isEqualTo(workerIdOf(resumed));
        assertThat(FLEET.count(number, "qr_generated")).as("the restarted worker did not take it up too").isEqualTo(2);
    }

    /**
     * A command forwarded to a worker that is then SIGKILLed is not stranded in its queue: once the dead worker's lease
     * ran out, a survivor drains that queue, routes the command again (to the number's new owner), then deletes the
     * queue and the dead worker's registry row. The killed worker stays dead: its id never comes back, as with a
     * replaced container.
     */
    @Test
    void aCommandForwardedToAKilledOwnerIsAnsweredByASurvivorAndTheDeadOwnersQueueAndRowGo() throws Exception {
        long number = 8105;
        String phone = "+221778105000";
        FleetMember owner = FLEET.createAndFindOwner(number, phone);
        List<FleetMember> survivors = FLEET.workers.stream().filter(worker -> worker != owner).toList();
        String deadQueue = FLEET.shared.queueOf(owner.id());
        // The events a dead worker still owes are another matter (survivors relay its outbox): here it owes none.
        await().atMost(BackendProbe.WAIT).until(() -> rowsOf("outbox", owner.id()) == 0);
        // Counted from here: the other tests' killed workers had their (empty) queues removed too.
        double forwardedBefore = sum(survivors, "worker.commands", "outcome:forwarded");
        double reroutedBefore = sum(survivors, "worker.dead.queue.commands", ANY);
        double removedBefore = sum(survivors, "worker.dead.queues.removed", ANY);

        owner.kill();
        String regenerate = BACKEND.sendCommand("regenerate_qr", number, phone);

        // The owner's lease still runs: a survivor forwards the command to the dead owner's queue, ...
        await().atMost(BackendProbe.WAIT)
                .until(() -> sum(survivors, "worker.commands", "outcome:forwarded") > forwardedBefore);
        // ... and it is answered once the lease ran out: a fresh QR, echoing the command's message id.
        BackendProbe.Event answer = await().atMost(LEASE.plus(BackendProbe.WAIT)).until(
                () -> BACKEND.eventsFor(number).stream().filter(event -> event.action().equals("qr_generated")
                        && regenerate.equals(event.properties().getCorrelationId())).findFirst(),
                Optional::isPresent).orElseThrow();
        assertThat(workerIdOf(answer)).isNotEqualTo(owner.id());
        assertThat(sum(survivors, "worker.dead.queue.commands", ANY) - reroutedBefore).isEqualTo(1);

        await().atMost(BackendProbe.WAIT).until(() -> BACKEND.messageCount(deadQueue) == -1);
        await().atMost(BackendProbe.WAIT).until(() -> rowsOf("worker_registry", owner.id()) == 0);
        assertThat(sum(survivors, "worker.dead.queues.removed", ANY) - removedBefore).isEqualTo(1);
        for (FleetMember survivor : survivors) {
            assertThat(BACKEND.messageCount(FLEET.shared.queueOf(survivor.id()))).isZero();
        }
        BACKEND.sendCommand("close", number, phone);
        assertThat(workerIdOf(BACKEND.awaitEvent(number, "disconnected"))).isEqualTo(workerIdOf(answer));
    }

    @Test
    void aCommandNamingAWorkerThatNeverStartedIsAnsweredWithUnknownWorker() {
        long number = 8103;
        BACKEND.sendJson(FLEET.shared.commandQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":" + number
                + ",\"phoneNumber\":\"+221778103000\",\"workerId\":\"never-" + UUID.randomUUID() + "\"}}");
        assertThat(BACKEND.awaitEvent(number, "error").json()).containsEntry("code", "UNKNOWN_WORKER");
    }

    private static double sum(List<FleetMember> workers, String counter, String tag) throws Exception {
        double sum = 0;
        for (FleetMember worker : workers) {
            sum += worker.counter(counter, tag);
        }
        return sum;
    }

    private static long rowsOf(String table, String workerId) {
        return DATABASE.sql("SELECT count(*) FROM " + table + " WHERE worker_id = ?").param(workerId)
                .query(Long.class).single();
    }
}
