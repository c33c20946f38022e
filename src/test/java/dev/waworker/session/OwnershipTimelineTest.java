package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waworker.ownership.JdbcLeases;
import dev.waworker.ownership.LeaseTerms;
import dev.waworker.ownership.NumberOwnership;
import dev.waworker.ownership.OutboxHandOver;
import dev.waworker.ownership.Owner;
import dev.waworker.ownership.Route;
import dev.waworker.store.OutboxSequence;
import dev.waworker.store.OutboxSignal;
import dev.waworker.testing.MigratedDatabase;
import dev.waworker.whatsapp.StoredDevice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Two workers' ownership on one database (SQLite in memory: the same SQL as PostgreSQL) and their session layers,
 * on manual clocks moved together: who handles a command; the owner that stops renewing drops its session a third
 * of a lease before its lease expires, and only then may the other worker take the number over.
 */
class OwnershipTimelineTest {

    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofSeconds(15));
    private static final String JID = "221771234567:7@s.whatsapp.net";

    private final MigratedDatabase database = MigratedDatabase.sqliteInMemory();
    private final SessionFixture a = new SessionFixture();
    private final SessionFixture b = new SessionFixture();
    private final NumberOwnership ownerA = ownership("a", a);
    private final NumberOwnership ownerB = ownership("b", b);

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void anOwnerThatCannotRenewDropsItsSessionBeforeAnotherWorkerMayTakeTheNumber() {
        assertThat(ownerA.route(6, Optional.empty())).isEqualTo(new Route.Here());
        a.create(6);
        a.giveRefs(6, 1);
        a.scan(6, SessionFixture.PHONE);
        // The device store is shared: B sees A's linked device.
        b.whatsApp.stored.put(6L, new StoredDevice(6, SessionFixture.PHONE, JID));
        assertThat(ownerB.route(6, Optional.empty()))
                .isEqualTo(new Route.Forward(new Owner("a", "queue.a")));

        advance(TERMS.renewEvery());
        ownerA.renew();
        // From here on A's renewals fail (a database partition): it renewed last at 5 s, its lease ends at 20 s.
        advance(Duration.ofSeconds(10).minusMillis(1));
        ownerA.fenceIfDue();
        assertThat(a.hasSession(6)).isTrue();
        advance(Duration.ofMillis(1));
        ownerA.fenceIfDue();
        assertThat(a.hasSession(6)).as("dropped at 15 s, credentials kept").isFalse();
        assertThat(a.whatsApp.forgotten).isEmpty();

        advance(Duration.ofSeconds(5).minusMillis(1));
        ownerB.takeOver();
        assertThat(b.hasSession(6)).as("A's lease still runs").isFalse();
        advance(Duration.ofMillis(1));
        ownerB.takeOver();
        assertThat(b.hasSession(6)).isTrue();
        assertThat(b.whatsApp.clientsOf(6)).hasSize(1);
    }

    @Test
    void aWorkerGivesUpTheLeaseOfANumberWhoseSessionEnded() {
        ownerA.route(7, Optional.empty());
        a.create(7);
        a.command(SessionCommand.Type.CLOSE, 7, SessionFixture.PHONE);
        advance(TERMS.leaseTime());
        ownerA.renew();
        assertThat(ownerB.route(7, Optional.empty())).isEqualTo(new Route.Here());
    }

    @Test
    void aSessionWhoseNumberChangedHandsMeanwhileIsDroppedAtTheNextRenewalEvenIfTheNumberIsFreeAgain() {
        ownerA.route(9, Optional.empty());
        a.create(9);
        assertThat(ownerA.currentToken(9)).hasValue(1);
        // A stalls for a whole lease (no renewal, no fence check): B handles the number meanwhile, then gives it up.
        advance(TERMS.leaseTime());
        assertThat(ownerB.route(9, Optional.empty())).isEqualTo(new Route.Here());
        assertThat(ownerB.currentToken(9)).as("a new owner, a new token").hasValue(2);
        b.create(9);
        b.command(SessionCommand.Type.CLOSE, 9, SessionFixture.PHONE);
        advance(TERMS.leaseTime());
        ownerB.renew();
        assertThat(ownerB.currentToken(9)).as("given up").isEmpty();

        ownerA.renew();
        assertThat(a.hasSession(9)).as("its lease's token moved on: the session is stale").isFalse();
        assertThat(ownerA.currentToken(9)).isEmpty();
    }

    @Test
    void aCommandThatReclaimsANumberUnderANewTokenDropsTheStaleSessionFirst() {
        ownerA.route(10, Optional.empty());
        a.create(10);
        advance(TERMS.leaseTime());
        ownerB.route(10, Optional.empty());
        advance(TERMS.leaseTime());
        ownerB.renew();

        assertThat(ownerA.route(10, Optional.empty())).isEqualTo(new Route.Here());
        assertThat(ownerA.currentToken(10)).hasValue(3);
        assertThat(a.hasSession(10)).as("started under token 1, before B held the number").isFalse();
    }

    @Test
    void aValidationInProgressOnAWorkerThatDiedIsTakenUpByAnotherOnItsBudget() {
        ownerA.route(8, Optional.empty());
        // What A had recorded when it died: the second QR shown, one attempt spent.
        ValidationRecord record = new ValidationRecord(8, SessionFixture.PHONE, PairingMethod.QR,
                Optional.of("cmd-create"), SessionState.PAIRING, 1, 2, Optional.of(SessionFixture.START));
        database.journal("a", a.clock, new OutboxSignal()).write(new StepRecord(8, new StepRecord.Change.Save(record), List.of()));

        advance(TERMS.leaseTime().minusMillis(1));
        ownerB.takeOver();
        assertThat(b.hasSession(8)).as("A's lease still runs").isFalse();
        advance(Duration.ofMillis(1));
        ownerB.takeOver();

        assertThat(b.hasSession(8)).isTrue();
        b.giveRefs(8, 1);
        assertThat(b.sink.events).last().isInstanceOfSatisfying(WorkerEvent.QrGenerated.class,
                qr -> assertThat(qr.qrIndex()).as("qrIndex goes on").isEqualTo(3));
        assertThat(database.records("a").validations()).as("A will not take it up again").isEmpty();
    }

    @Test
    void aCommandForADeadWorkersNumberMakesItsRecordStaleSoThatNoTakeOverRevivesTheValidationLater() {
        ownerA.route(12, Optional.empty());
        ValidationRecord record = new ValidationRecord(12, SessionFixture.PHONE, PairingMethod.QR,
                Optional.of("cmd-create"), SessionState.PAIRING, 0, 1, Optional.of(SessionFixture.START));
        database.journal("a", a.clock, new OutboxSignal())
                .write(new StepRecord(12, new StepRecord.Change.Save(record), List.of()));
        // A dies; a command for the number (one drained from A's queue, say) reaches B before any take-over.
        advance(TERMS.leaseTime());
        assertThat(ownerB.route(12, Optional.empty())).isEqualTo(new Route.Here());
        assertThat(database.records("a").validations()).isEmpty();

        b.create(12);
        b.command(SessionCommand.Type.CLOSE, 12, SessionFixture.PHONE);
        advance(TERMS.leaseTime());
        ownerB.renew();
        ownerB.takeOver();
        assertThat(b.hasSession(12)).as("closed stays closed").isFalse();
    }

    @Test
    void aNamedWorkerIsHonouredWhileItIsAliveAndTheNumberHasNoOtherOwner() {
        assertThat(ownerA.route(20, Optional.of("b")))
                .isEqualTo(new Route.Forward(new Owner("b", "queue.b")));
        assertThat(ownerB.route(20, Optional.of("b"))).isEqualTo(new Route.Here());
        assertThat(ownerA.route(20, Optional.of("a"))).as("the live owner wins over the name")
                .isEqualTo(new Route.Forward(new Owner("b", "queue.b")));
        assertThat(ownerA.route(21, Optional.of("never-started")))
                .isEqualTo(new Route.UnknownWorker("never-started",
                        "no worker of that id is registered (it never started, or it died and was removed)"));
    }

    @Test
    void aNamedWorkerThatDiedIsTreatedLikeNoOwner() {
        advance(TERMS.leaseTime());
        ownerA.renew();
        // B's last heartbeat is a lease old: dead. Its queue is never used.
        assertThat(ownerA.route(22, Optional.of("b"))).isEqualTo(new Route.Here());
    }

    private NumberOwnership ownership(String id, SessionFixture worker) {
        JdbcLeases leases = new JdbcLeases(database.jdbc(), id, TERMS);
        OutboxSequence sequence = new OutboxSequence(database.jdbc(), id);
        NumberOwnership ownership = new NumberOwnership(leases, new OutboxHandOver(leases,
                database.transfer(id, sequence, new OutboxSignal()), database.transactions(), TERMS, id,
                new SimpleMeterRegistry()), database.records(id), worker.handOver, worker.whatsApp, TERMS, new Owner(id, "queue." + id),
                10, worker.clock);
        ownership.register();
        ownership.start(List.of());
        return ownership;
    }

    private void advance(Duration duration) {
        a.clock.advance(duration);
        b.clock.advance(duration);
    }
}
