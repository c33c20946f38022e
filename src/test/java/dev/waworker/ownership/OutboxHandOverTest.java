package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.StepRecord;
import dev.waworker.session.WorkerEvent;
import dev.waworker.store.JdbcOutboxReader;
import dev.waworker.store.OutboxJournal;
import dev.waworker.store.OutboxSequence;
import dev.waworker.store.OutboxSignal;
import dev.waworker.store.OwedEvent;
import dev.waworker.store.StepFence;
import dev.waworker.testing.ManualClock;
import dev.waworker.testing.MigratedDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Who relays an owed event when numbers change owner and workers fall silent, with the real SQL on SQLite in memory
 * (the same statements run on PostgreSQL in the fleet's integration tests), on a manual clock: a number's new
 * owner takes the events its previous holder owed for it, a survivor adopts a dead worker's outbox, and what a
 * worker writes after it lost a number's lease is seen as stale by whoever would relay it.
 */
class OutboxHandOverTest {

    private static final LeaseTerms TERMS = new LeaseTerms(Duration.ofSeconds(15));

    private final MigratedDatabase database = MigratedDatabase.sqliteInMemory();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Worker a = new Worker("a");
    private final Worker b = new Worker("b");
    private final Worker c = new Worker("c");

    /** One worker: its leases, its journal, its outbox as its relay reads it, its hand-over. */
    private final class Worker {
        final String id;
        final JdbcLeases leases;
        final OutboxJournal journal;
        /** A journal that does not check the lease, as a worker older than the step fence wrote. */
        final OutboxJournal unfencedJournal;
        final JdbcOutboxReader outbox;
        final OutboxHandOver handOver;
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        Worker(String id) {
            this.id = id;
            OutboxSequence sequence = new OutboxSequence(database.jdbc(), id);
            OutboxSignal signal = new OutboxSignal();
            leases = new JdbcLeases(database.jdbc(), id, TERMS);
            journal = database.journal(id, clock, signal, sequence,
                    StepFence.onSharedDatabase(database.jdbc(), id, meters));
            unfencedJournal = database.journal(id, clock, signal, sequence, StepFence.none());
            outbox = new JdbcOutboxReader(database.jdbc(), id, signal);
            handOver = new OutboxHandOver(leases, database.transfer(id, sequence, signal), database.transactions(),
                    TERMS, id, meters);
            heartbeat();
        }

        void heartbeat() {
            leases.heartbeat("queue." + id, clock.instant());
        }

        long claim(long numberId) {
            return handOver.claim(numberId, clock.instant()).orElseThrow();
        }

        void write(long numberId, String... texts) {
            journal.write(step(numberId, texts));
        }

        void writeUnfenced(long numberId, String... texts) {
            unfencedJournal.write(step(numberId, texts));
        }

        double fenced() {
            return meters.counter("worker.outbox.fenced").count();
        }

        List<String> owed() {
            return outbox.owed(100).stream().map(OwedEvent::eventId).toList();
        }

        List<String> stale() {
            return outbox.owed(100).stream().filter(OwedEvent::writtenUnderALostLease).map(OwedEvent::eventId).toList();
        }

        double adopted(String reason) {
            return meters.counter("worker.outbox.adopted", "reason", reason).count();
        }
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static StepRecord step(long numberId, String... texts) {
        return new StepRecord(numberId, new StepRecord.Change.Keep(),
                Arrays.stream(texts).map(text -> event(numberId, text)).toList());
    }

    private static StepRecord.Owed event(long numberId, String text) {
        return new StepRecord.Owed(numberId + "-" + text, new WorkerEvent.Error(
                new EventHeader(numberId, "session_" + numberId, Instant.EPOCH, Optional.empty()),
                ErrorCode.INTERNAL_ERROR, text));
    }

    @Test
    void aNumbersNewOwnerTakesTheEventsItsPreviousHolderOwedForItAndRelaysThemBeforeItsOwn() {
        a.claim(1);
        a.write(1, "first", "second");
        a.write(2, "other number");
        b.write(3, "b's own, earlier");
        clock.advance(TERMS.leaseTime());
        a.heartbeat();

        assertThat(b.claim(1)).as("a new owner, a new token").isEqualTo(2);
        b.write(1, "third");

        assertThat(b.owed()).as("in order, with their eventIds, after b's earlier events, before b's later ones")
                .containsExactly("3-b's own, earlier", "1-first", "1-second", "1-third");
        assertThat(a.owed()).containsExactly("2-other number");
        assertThat(b.stale()).isEmpty();
        assertThat(b.adopted("number-taken-over")).isEqualTo(2);
    }

    @Test
    void reclaimingOnesOwnNumberMovesNothing() {
        a.claim(4);
        a.write(4, "ended");
        a.leases.release(Map.of(4L, 1L));

        assertThat(a.claim(4)).isEqualTo(1);

        assertThat(a.owed()).containsExactly("4-ended");
        assertThat(a.adopted("number-taken-over")).isZero();
    }

    @Test
    void theEventsOfAnEndedValidationAreStillDeliveredByTheNewOwnerOfItsNumber() {
        a.claim(5);
        a.write(5, "error that ended it");
        a.leases.release(Map.of(5L, 1L));

        b.claim(5);
        b.write(5, "new validation");

        assertThat(a.owed()).isEmpty();
        assertThat(b.owed()).containsExactly("5-error that ended it", "5-new validation");
        assertThat(b.stale()).isEmpty();
    }

    @Test
    void aStepOfAWorkerThatLostTheNumberIsNotRecordedAndOnlySuchAStep() {
        a.claim(6);
        a.write(6, "before");
        a.claim(7);
        a.write(7, "ended, nobody took it");
        a.leases.release(Map.of(7L, 1L));
        clock.advance(TERMS.leaseTime());
        b.claim(6);

        a.write(6, "after"); // a long pause: a did not notice yet
        a.write(7, "another");
        a.write(12, "a number nobody ever claimed");

        assertThat(a.owed()).containsExactly("7-ended, nobody took it", "7-another", "12-a number nobody ever claimed");
        assertThat(a.fenced()).isEqualTo(1);
        assertThat(b.owed()).containsExactly("6-before");
    }

    @Test
    void aStepRefusedByTheFenceLeavesTheOtherStepsWrittenWithItAtOnceAlone() {
        LongStream.rangeClosed(30, 49).forEach(a::claim);
        clock.advance(TERMS.leaseTime());
        a.heartbeat();
        b.claim(40);

        // Handed over together, as the lanes of twenty numbers do: the journal's writer groups them.
        List<CompletableFuture<Void>> steps = LongStream.rangeClosed(30, 49)
                .mapToObj(numberId -> a.journal.writeAsync(step(numberId, "step")).toCompletableFuture()).toList();

        assertThat(steps).as("a refused step is no failure: the number's new owner goes on")
                .allSatisfy(step -> assertThat(step).succeedsWithin(Duration.ofSeconds(10)));
        assertThat(a.owed()).hasSize(19).doesNotContain("40-step");
        assertThat(a.fenced()).isEqualTo(1);
        assertThat(b.owed()).isEmpty();
    }

    @Test
    void whatAWorkerWroteUnderALeaseItHadLostIsStaleForTheRelayAndOnlyThat() {
        a.claim(6);
        a.claim(7);
        a.leases.release(Map.of(7L, 1L));
        clock.advance(TERMS.leaseTime());
        b.claim(6);

        a.writeUnfenced(6, "after");
        a.writeUnfenced(7, "another");

        assertThat(a.stale()).containsExactly("6-after");
    }

    @Test
    void aSurvivorAdoptsTheOutboxOfAWorkerSilentForALeaseTimeAndOnlyOneSurvivorGetsIt() {
        a.claim(8);
        a.write(8, "scanned with the wrong account");
        a.leases.release(Map.of(8L, 1L));
        a.write(9, "unanswered");
        clock.advance(TERMS.leaseTime().minusMillis(1));
        b.heartbeat();
        c.heartbeat();

        b.handOver.adoptSilentWorkers(clock.instant());
        assertThat(b.owed()).as("a is not silent for a whole lease yet").isEmpty();

        clock.advance(Duration.ofMillis(1));
        b.handOver.adoptSilentWorkers(clock.instant());
        c.handOver.adoptSilentWorkers(clock.instant());

        assertThat(b.owed()).containsExactly("8-scanned with the wrong account", "9-unanswered");
        assertThat(b.stale()).as("nobody took number 8 after a: a's events of it are not stale").isEmpty();
        assertThat(c.owed()).isEmpty();
        assertThat(a.owed()).isEmpty();
        assertThat(b.adopted("worker-silent")).isEqualTo(2);
        assertThat(c.adopted("worker-silent")).isZero();
    }

    @Test
    void adoptedEventsStillFollowTheirNumberToItsNextOwner() {
        a.claim(10);
        a.write(10, "owed");
        clock.advance(TERMS.leaseTime());
        b.heartbeat();
        c.heartbeat();
        b.handOver.adoptSilentWorkers(clock.instant());

        c.claim(10);

        assertThat(b.owed()).isEmpty();
        assertThat(c.owed()).containsExactly("10-owed");
    }

    @Test
    void aWorkerBackUnderItsIdIsNoLongerSilentAndKeepsItsOutbox() {
        a.write(11, "owed");
        clock.advance(TERMS.leaseTime());
        c.heartbeat();
        List<String> silent = b.leases.idsOfWorkersSilentSince(TERMS.deadIfSilentSince(clock.instant()));
        assertThat(silent).containsExactly("a");
        a.heartbeat();

        assertThat(b.leases.holdIfSilentSince("a", TERMS.deadIfSilentSince(clock.instant()))).isFalse();
        b.handOver.adoptSilentWorkers(clock.instant());

        assertThat(a.owed()).containsExactly("11-owed");
    }
}
