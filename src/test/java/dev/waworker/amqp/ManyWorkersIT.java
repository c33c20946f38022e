package dev.waworker.amqp;

import static dev.waworker.amqp.WorkerFleet.workerIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /**
     * A resync ({@code status} without a number) is answered by the worker that consumes it, for the whole fleet,
     * from the shared database: every number any worker recorded exactly once (here a number of each worker, a
     * connected one and a closed one among them), all before the {@code status_end} that counts them.
     */
    @Test
    void aResyncReportsEveryNumberOfTheFleetExactlyOnceThenStatusEnd() throws Exception {
        // Another test kills a worker for good: only the live ones are named.
        List<FleetMember> live = FLEET.workers.stream().filter(FleetMember::alive).toList();
        FleetMember scanned = FLEET.createAndFindOwner(8111, "+221778111000");
        assertThat(scanned.scan(8111, "+221778111000")).isEqualTo(200);
        String jid = (String) BACKEND.awaitEvent(8111, "connected").get("jid");
        FLEET.createAndFindOwner(8112, "+221778112000");
        BACKEND.sendCommand("close", 8112, "+221778112000");
        BACKEND.awaitEvent(8112, "disconnected");
        long pairing = 8113;
        for (FleetMember worker : live) {
            BACKEND.sendJson(FLEET.shared.commandQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":"
                    + pairing + ",\"phoneNumber\":\"+22177" + pairing + "000\",\"workerId\":\"" + worker.id()
                    + "\"}}");
            assertThat(workerIdOf(BACKEND.awaitEvent(pairing, "qr_generated"))).isEqualTo(worker.id());
            pairing++;
        }

        String requestId = "resync-" + UUID.randomUUID();
        BACKEND.sendJson(FLEET.shared.commandQueue(), "{\"action\":\"status\",\"data\":{\"requestId\":\""
                + requestId + "\"}}");
        BackendProbe.Event end = await().atMost(BackendProbe.WAIT).until(() -> BACKEND.allEvents().stream()
                .filter(event -> event.action().equals("status_end") && requestId.equals(event.get("requestId")))
                .findFirst(), Optional::isPresent).orElseThrow();

        List<BackendProbe.Event> events = BACKEND.allEvents();
        List<BackendProbe.Event> answers = events.stream().filter(event -> event.action().equals("status")
                && requestId.equals(event.get("requestId"))).toList();
        Map<Long, BackendProbe.Event> byNumber = answers.stream()
                .collect(Collectors.toMap(BackendProbe.Event::numberId, event -> event));
        assertThat(byNumber).as("one answer per number").hasSameSizeAs(answers);
        assertThat(byNumber.keySet()).as("every number the fleet recorded").isEqualTo(recordedNumbers())
                .contains(8111L, 8112L, 8113L);
        assertThat(end.json()).containsEntry("count", answers.size()).doesNotContainKey("numberId");
        assertThat(answers).allSatisfy(answer -> {
            assertThat(events.indexOf(answer)).isLessThan(events.indexOf(end));
            assertThat(workerIdOf(answer)).isEqualTo(workerIdOf(end));
            assertThat(answer.json()).doesNotContainKeys("qrCode", "pairingCode");
        });
        assertThat(byNumber.get(8111L).json()).containsEntry("state", "connected").containsEntry("jid", jid);
        assertThat(byNumber.get(8112L).json()).containsEntry("state", "disconnected")
                .containsEntry("reason", "closed by backend");
        for (long number = 8113; number < pairing; number++) {
            assertThat(byNumber.get(number).json()).containsEntry("state", "pairing").containsEntry("qrIndex", 1)
                    .containsEntry("attempt", 0);
        }
    }

    /** The numbers in the fleet's {@code number_status} table. */
    private static Set<Long> recordedNumbers() {
        return Set.copyOf(DATABASE.sql("SELECT number_id FROM number_status").query(Long.class).list());
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
