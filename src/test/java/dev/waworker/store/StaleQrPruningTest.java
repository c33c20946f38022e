package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import org.flywaydb.core.Flyway;

import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.StepRecord;
import dev.waworker.session.WorkerEvent;
import dev.waworker.testing.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Which QRs the relay never sends: expired when it reaches them, and superseded by a newer one in the outbox. */
class StaleQrPruningTest {

    private static final Instant START = Instant.parse("2026-01-05T10:00:00Z");
    private static final Duration QR_LIFETIME = Duration.ofSeconds(3);

    private final SingleConnectionDataSource dataSource = new SingleConnectionDataSource("jdbc:sqlite::memory:", true);
    private final ManualClock clock = new ManualClock(START);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final OutboxSignal written = new OutboxSignal();
    private final JdbcClient jdbc;
    private final OutboxJournal journal;
    private final StaleQrPruning outbox;

    StaleQrPruningTest() {
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        // The body as the backend receives it, as far as the pruning reads it: action and expiresAt.
        journal = new OutboxJournal(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                "w1", (event, eventId) -> event instanceof WorkerEvent.QrGenerated qr
                        ? "{\"action\":\"qr_generated\",\"qrCode\":\"data:image/png;base64,secret\",\"expiresAt\":"
                                + qr.expiresAt().toEpochMilli() + "}"
                        : "{\"action\":\"" + event.action() + "\"}", clock, written,
                new OutboxSequence(jdbc, "w1"), StepFence.none());
        outbox = new StaleQrPruning(new JdbcOutboxReader(jdbc, "w1", written), jdbc, clock, meters);
    }

    @AfterEach
    void close() {
        dataSource.destroy();
    }

    private void qr(long numberId, int qrIndex) {
        EventHeader header = new EventHeader(numberId, "session_" + numberId, clock.instant(), Optional.empty());
        journal.write(new StepRecord(numberId, new StepRecord.Change.Keep(), List.of(new StepRecord.Owed(
                "qr-" + numberId + "-" + qrIndex, new WorkerEvent.QrGenerated(header, "data:image/png;base64,secret",
                        clock.instant().plus(QR_LIFETIME), qrIndex)))));
    }

    private void error(long numberId) {
        journal.write(new StepRecord(numberId, new StepRecord.Change.Keep(), List.of(new StepRecord.Owed(
                "error-" + numberId, new WorkerEvent.Error(new EventHeader(numberId, "session_" + numberId,
                        clock.instant(), Optional.empty()), ErrorCode.QR_RETRIES_EXHAUSTED, "no scan")))));
    }

    private List<String> owedIds(int limit) {
        return outbox.owed(limit).stream().map(OwedEvent::eventId).toList();
    }

    private double dropped() {
        return meters.get(StaleQrPruning.DROPPED).counter().count();
    }

    @Test
    void expiredQrsThatANewerQrOfTheirNumberSupersedesAreDroppedAndCounted() {
        qr(7, 1);
        clock.advance(QR_LIFETIME);
        qr(7, 2);
        clock.advance(QR_LIFETIME);
        qr(7, 3);
        clock.advance(Duration.ofSeconds(1)); // the relay gets there now: qr 1 and 2 have expired, qr 3 has not

        assertThat(owedIds(1000)).containsExactly("qr-7-3");
        assertThat(dropped()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT event_id FROM outbox").query(String.class).list())
                .as("deleted, not merely skipped").containsExactly("qr-7-3");
    }

    @Test
    void whileTheBrokerIsAwayTheRelayReadsOneEventAndStillGetsTheFirstDeliverableOne() {
        qr(7, 1);
        clock.advance(QR_LIFETIME);
        qr(7, 2);
        clock.advance(QR_LIFETIME.multipliedBy(2));

        assertThat(owedIds(1)).as("qr 2 has expired too, but nothing newer supersedes it").containsExactly("qr-7-2");
        assertThat(dropped()).isEqualTo(1);
    }

    @Test
    void aQrStillValidOrTheLatestOfItsNumberAndEveryOtherEventAreDelivered() {
        qr(7, 1);
        qr(8, 1);
        clock.advance(Duration.ofSeconds(1));
        qr(7, 2); // supersedes qr 7-1, which has not expired yet
        error(8);
        clock.advance(Duration.ofSeconds(1));

        assertThat(owedIds(1000)).containsExactly("qr-7-1", "qr-8-1", "qr-7-2", "error-8");

        clock.advance(QR_LIFETIME.multipliedBy(10));
        assertThat(owedIds(1000)).as("qr 8-1 expired, but no newer QR of number 8 follows it; qr 7-2 is the latest")
                .containsExactly("qr-8-1", "qr-7-2", "error-8");
        assertThat(dropped()).isEqualTo(1);
    }

    @Test
    void anEmptyOutboxReadsAsEmpty() {
        assertThat(owedIds(1000)).isEmpty();
        assertThat(dropped()).isZero();
    }
}
