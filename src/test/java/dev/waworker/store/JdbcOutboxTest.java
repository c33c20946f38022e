package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

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
import dev.waworker.session.PairingMethod;
import dev.waworker.session.SessionState;
import dev.waworker.session.StepRecord;
import dev.waworker.session.ValidationRecord;
import dev.waworker.session.WorkerEvent;
import dev.waworker.testing.ManualClock;

/** The outbox on a real SQLite file, migrated by Flyway as the worker does it. */
class JdbcOutboxTest {

    private static final Instant NOW = Instant.parse("2025-12-06T14:00:00Z");

    @TempDir
    Path dataDir;

    private DriverManagerDataSource dataSource;
    private JdbcOutbox outbox;
    private ValidationRecords records;

    @BeforeEach
    void migrate() {
        dataSource = new DriverManagerDataSource("jdbc:sqlite:" + dataDir.resolve("worker.db"));
        Flyway.configure().dataSource(dataSource).load().migrate();
        outbox = open("worker-1");
        records = new ValidationRecords(JdbcClient.create(dataSource), "worker-1");
    }

    private JdbcOutbox open(String workerId) {
        return new JdbcOutbox(JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)), workerId,
                (event, eventId) -> "{\"action\":\"" + event.action() + "\",\"eventId\":\"" + eventId + "\"}",
                new ManualClock(NOW));
    }

    private static ValidationRecord validation(long numberId, String phone, int attempt, int qrIndex) {
        return new ValidationRecord(numberId, phone, PairingMethod.QR, Optional.of("cmd-1"), SessionState.PAIRING,
                attempt, qrIndex, Optional.of(NOW));
    }

    private static WorkerEvent error(long numberId, String text) {
        return new WorkerEvent.Error(new EventHeader(numberId, "session_" + numberId, NOW, Optional.empty()),
                ErrorCode.INTERNAL_ERROR, text);
    }

    @Test
    void aStepsRecordAndItsEventsAreKeptUntilEachEventIsDelivered() {
        List<CompletionStage<Void>> confirms = outbox.write(new StepRecord(6,
                new StepRecord.Change.Save(validation(6, "+221771234567", 1, 2)),
                List.of(error(6, "first"), error(6, "second"))));

        assertThat(records.validations()).containsExactly(validation(6, "+221771234567", 1, 2));
        List<OwedEvent> owed = outbox.owed(10);
        assertThat(owed).extracting(OwedEvent::numberId, OwedEvent::action).containsOnly(
                org.assertj.core.groups.Tuple.tuple(6L, "error"));
        assertThat(owed.get(0).seq()).isLessThan(owed.get(1).seq());
        assertThat(owed.get(0).body()).contains(owed.get(0).eventId());

        outbox.delivered(List.of(owed.get(0).eventId()));

        assertThat(confirms.get(0).toCompletableFuture()).isCompleted();
        assertThat(confirms.get(1).toCompletableFuture()).isNotCompleted();
        assertThat(outbox.owed(10)).extracting(OwedEvent::eventId).containsExactly(owed.get(1).eventId());
    }

    @Test
    void anEndedSessionLeavesNoRecordAndAStopKeepsIt() {
        outbox.write(new StepRecord(6, new StepRecord.Change.Save(validation(6, "+221771234567", 0, 1)), List.of()));
        outbox.write(new StepRecord(6, new StepRecord.Change.Keep(), List.of(error(6, "kept"))));
        assertThat(records.validations()).hasSize(1);

        outbox.write(new StepRecord(6, new StepRecord.Change.Delete(), List.of(error(6, "ended"))));

        assertThat(records.validations()).isEmpty();
        assertThat(outbox.owedCount()).isEqualTo(2);
    }

    @Test
    void aFailedWriteRecordsNothingOfTheStep() {
        ValidationRecord broken = new ValidationRecord(7, null, PairingMethod.QR, Optional.empty(),
                SessionState.PAIRING, 0, 0, Optional.empty());

        assertThatThrownBy(() -> outbox.write(new StepRecord(7, new StepRecord.Change.Save(broken),
                List.of(error(7, "never")))));

        assertThat(outbox.owedCount()).as("the event of a step whose record failed is not owed").isZero();
    }

    @Test
    void aRestartedWorkerOwesWhatItOwedInTheSameOrderAndEachWorkerOnlyItsOwn() {
        outbox.write(new StepRecord(6, new StepRecord.Change.Keep(), List.of(error(6, "a"), error(6, "b"))));
        open("worker-2").write(new StepRecord(9, new StepRecord.Change.Keep(), List.of(error(9, "other"))));

        JdbcOutbox restarted = open("worker-1");
        restarted.write(new StepRecord(6, new StepRecord.Change.Keep(), List.of(error(6, "c"))));

        List<OwedEvent> owed = restarted.owed(10);
        assertThat(owed).extracting(OwedEvent::numberId).containsOnly(6L);
        assertThat(owed).extracting(OwedEvent::seq).isSorted().doesNotHaveDuplicates().hasSize(3);
    }
}
