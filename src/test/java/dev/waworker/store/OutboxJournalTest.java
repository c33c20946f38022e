package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.NumberStatus;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.SessionState;
import dev.waworker.session.StepRecord;
import dev.waworker.session.ValidationRecord;
import dev.waworker.session.WorkerEvent;
import dev.waworker.testing.ManualClock;

/** The journal and the relay's reader on a real SQLite file, migrated by Flyway as the worker does it. */
class OutboxJournalTest {

    private static final Instant NOW = Instant.parse("2025-12-06T14:00:00Z");

    @TempDir
    Path dataDir;

    private DriverManagerDataSource dataSource;
    private final OutboxSignal written = new OutboxSignal();
    private OutboxJournal journal;
    private JdbcOutboxReader outbox;
    private ValidationRecords records;

    @BeforeEach
    void migrate() {
        dataSource = new DriverManagerDataSource("jdbc:sqlite:" + dataDir.resolve("worker.db"));
        Flyway.configure().dataSource(dataSource).load().migrate();
        journal = journal("worker-1");
        outbox = new JdbcOutboxReader(JdbcClient.create(dataSource), "worker-1", written);
        records = new ValidationRecords(JdbcClient.create(dataSource), "worker-1");
    }

    private OutboxJournal journal(String workerId) {
        return new OutboxJournal(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), workerId,
                (event, eventId) -> "{\"action\":\"" + event.action() + "\",\"eventId\":\"" + eventId + "\"}",
                new ManualClock(NOW), written, new OutboxSequence(JdbcClient.create(dataSource), workerId),
                StepFence.none());
    }

    private static ValidationRecord validation(long numberId, String phone, int attempt, int qrIndex) {
        return new ValidationRecord(numberId, phone, PairingMethod.QR, Optional.of("cmd-1"), SessionState.PAIRING,
                attempt, qrIndex, Optional.of(NOW));
    }

    private static StepRecord.Owed error(long numberId, String text) {
        return new StepRecord.Owed("event-" + numberId + "-" + text, new WorkerEvent.Error(
                new EventHeader(numberId, "session_" + numberId, NOW, Optional.empty()), ErrorCode.INTERNAL_ERROR,
                text));
    }

    private static StepRecord keep(long numberId, StepRecord.Owed... events) {
        return new StepRecord(numberId, new StepRecord.Change.Keep(), List.of(events));
    }

    @Test
    void aStepsRecordAndItsEventsAreKeptUntilEachEventIsDelivered() {
        journal.write(new StepRecord(6, new StepRecord.Change.Save(validation(6, "+221771234567", 1, 2)),
                List.of(error(6, "first"), error(6, "second"))));

        assertThat(records.validations()).containsExactly(validation(6, "+221771234567", 1, 2));
        List<OwedEvent> owed = outbox.owed(10);
        assertThat(owed).extracting(OwedEvent::eventId).as("under the ids the session gave them")
                .containsExactly("event-6-first", "event-6-second");
        assertThat(owed).extracting(OwedEvent::numberId, OwedEvent::action).containsOnly(
                org.assertj.core.groups.Tuple.tuple(6L, "error"));
        assertThat(owed.get(0).seq()).isLessThan(owed.get(1).seq());
        assertThat(owed.get(0).body()).contains(owed.get(0).eventId());

        outbox.delivered(List.of(owed.get(0).eventId()));

        assertThat(outbox.owed(10)).extracting(OwedEvent::eventId).containsExactly(owed.get(1).eventId());
        assertThat(outbox.owedCount()).isEqualTo(1);
    }

    @Test
    void anEndedSessionLeavesNoRecordAndAStopKeepsIt() {
        journal.write(new StepRecord(6, new StepRecord.Change.Save(validation(6, "+221771234567", 0, 1)), List.of()));
        journal.write(keep(6, error(6, "kept")));
        assertThat(records.validations()).hasSize(1);

        journal.write(new StepRecord(6, new StepRecord.Change.Delete(), List.of(error(6, "ended"))));

        assertThat(records.validations()).isEmpty();
        assertThat(outbox.owedCount()).isEqualTo(2);
    }

    @Test
    void aFailedWriteRecordsNothingOfTheStep() {
        ValidationRecord broken = new ValidationRecord(7, null, PairingMethod.QR, Optional.empty(),
                SessionState.PAIRING, 0, 0, Optional.empty());

        assertThatThrownBy(() -> journal.write(new StepRecord(7, new StepRecord.Change.Save(broken),
                List.of(error(7, "never")))));

        assertThat(outbox.owedCount()).as("the event of a step whose record failed is not owed").isZero();
    }

    @Test
    void aRestartedWorkerOwesWhatItOwedInTheSameOrderAndEachWorkerOnlyItsOwn() {
        journal.write(keep(6, error(6, "a"), error(6, "b")));
        journal("worker-2").write(keep(9, error(9, "other")));

        journal("worker-1").write(keep(6, error(6, "c")));

        List<OwedEvent> owed = outbox.owed(10);
        assertThat(owed).extracting(OwedEvent::numberId).containsOnly(6L);
        assertThat(owed).extracting(OwedEvent::seq).isSorted().doesNotHaveDuplicates().hasSize(3);
    }

    @Test
    void constructingTheJournalRunsNoSql() {
        DriverManagerDataSource unmigrated = new DriverManagerDataSource("jdbc:sqlite:" + dataDir.resolve("new.db"));

        assertThatCode(() -> new OutboxJournal(JdbcClient.create(unmigrated),
                new TransactionTemplate(new DataSourceTransactionManager(unmigrated)), "worker-1",
                (event, eventId) -> "", new ManualClock(NOW), written,
                new OutboxSequence(JdbcClient.create(unmigrated), "worker-1"), StepFence.none()))
                .as("the outbox table does not exist yet: a query would fail").doesNotThrowAnyException();
    }

    @Test
    void aWriteOfEventsWakesTheReadersWait() throws Exception {
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                outbox.awaitWritten(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        journal.write(keep(6, error(6, "wake")));

        waiting.get(30, TimeUnit.SECONDS);
        assertThat(waiting).isCompleted();
    }

    @Test
    void anEventWithoutStepIsOwedLikeAnyOther() {
        WorkerEvent answer = error(6, "refused").event();

        assertThat(journal.publish(answer).toCompletableFuture()).isCompleted();

        assertThat(outbox.owed(10)).singleElement().satisfies(event -> {
            assertThat(event.action()).isEqualTo("error");
            assertThat(event.body()).contains(event.eventId());
        });
    }

    private static NumberStatus status(long numberId, NumberStatus.State state, Optional<String> reason) {
        return new NumberStatus(numberId, "session_" + numberId + "_+221771234567", state, Optional.of(NOW),
                Optional.of(PairingMethod.CODE), 1, 2, Optional.of(NOW.plusSeconds(20)), Optional.of("jid-" + numberId),
                Optional.of("+221771234567"), reason.map(ignored -> ErrorCode.PAIR_FAILED), reason);
    }

    @Test
    void whereEachNumberStandsIsKeptOncePerNumberWhicheverWorkerWroteItLast() {
        journal.write(new StepRecord(6, new StepRecord.Change.Save(validation(6, "+221771234567", 1, 2)), List.of(),
                Optional.of(status(6, NumberStatus.State.PAIRING, Optional.empty()))));
        journal("worker-2").write(new StepRecord(6, new StepRecord.Change.Delete(), List.of(error(6, "ended")),
                Optional.of(status(6, NumberStatus.State.FAILED, Optional.of("ended")))));
        journal.write(new StepRecord(3, new StepRecord.Change.Keep(), List.of(),
                Optional.of(status(3, NumberStatus.State.CONNECTED, Optional.empty()))));
        journal.write(keep(9, error(9, "no status change")));

        assertThat(journal.recordedStatus(6)).contains(status(6, NumberStatus.State.FAILED, Optional.of("ended")));
        assertThat(journal.recordedStatus(9)).isEmpty();
        assertThat(journal.recordedStatuses(0, 10)).extracting(NumberStatus::numberId).containsExactly(3L, 6L);
        assertThat(journal.recordedStatuses(3, 1)).extracting(NumberStatus::numberId).containsExactly(6L);
        assertThat(journal.recordedStatuses(6, 10)).isEmpty();
    }

    @Test
    void severalStepsAreWrittenTogetherAndTheirEventsAreDeliveredOnceNoneIsOwed() {
        journal.writeAnswers(List.of(keep(6, error(6, "a")), keep(7, error(7, "b"))));

        assertThat(outbox.owed(10)).extracting(OwedEvent::numberId).containsExactly(6L, 7L);
        assertThat(journal.delivered(List.of("event-6-a", "event-7-b"))).isFalse();
        outbox.delivered(List.of("event-6-a"));
        assertThat(journal.delivered(List.of("event-6-a", "event-7-b"))).isFalse();
        outbox.delivered(List.of("event-7-b"));
        assertThat(journal.delivered(List.of("event-6-a", "event-7-b"))).isTrue();
    }
}
