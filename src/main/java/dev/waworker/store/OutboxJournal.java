package dev.waworker.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.waworker.session.EventSink;
import dev.waworker.session.NumberStatus;
import dev.waworker.session.StepRecord;
import dev.waworker.session.ValidationJournal;
import dev.waworker.session.ValidationRecord;
import dev.waworker.session.WorkerEvent;

/**
 * The session layer's journal in the worker's database: a lane step's record (the {@code validation} table, one
 * row per live session), its events (the transactional {@code outbox}) and where the number now stands (the
 * {@code number_status} table, see {@link NumberStatusTable}) are written in one transaction. The
 * {@link OutboxReader} hands the events on. Rows carry the worker's id, so that several workers may share one
 * PostgreSQL database; the events of a step also carry it as their lease holder (see {@link OwedEvent#leaseHolder}):
 * a step runs only on the number's owner, and is written only while that worker still holds the number's lease
 * ({@link StepFence}).
 */
public final class OutboxJournal implements ValidationJournal, EventSink, AutoCloseable {

    /**
     * The most lane steps in one transaction: enough to amortise a commit over a burst, few enough that the
     * connection (the only one, on SQLite) is not held long from the relay and the command listener.
     */
    static final int MAX_GROUP = 256;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final String workerId;
    private final EventEncoder encoder;
    private final Clock clock;
    private final OutboxSignal written;
    private final NumberStatusTable statuses;
    private final OutboxSequence sequence;
    private final StepFence fence;
    private final GroupCommit group = new GroupCommit(this::writeGroup, MAX_GROUP, "journal-writer");

    public OutboxJournal(JdbcClient jdbc, TransactionTemplate transactions, String workerId, EventEncoder encoder,
            Clock clock, OutboxSignal written, OutboxSequence sequence, StepFence fence) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.workerId = workerId;
        this.encoder = encoder;
        this.clock = clock;
        this.written = written;
        this.statuses = new NumberStatusTable(jdbc, workerId);
        this.sequence = sequence;
        this.fence = fence;
    }

    /**
     * Writes the step and waits for it (see {@link #writeAsync}); throws what failed its write.
     */
    @Override
    public void write(StepRecord step) {
        try {
            group.submit(step).join();
        } catch (CompletionException failure) {
            throw failure.getCause() instanceof RuntimeException cause ? cause : failure;
        }
    }

    /**
     * Queues the lane step for the journal's writer, which writes it in one transaction with the steps of other
     * numbers queued meanwhile (see {@link GroupCommit}); completes once it is written. While the store is
     * unavailable (the database away, its disk full), the writer tries again until it is back: the lane waits, and
     * nothing of the step is lost (see {@link OutageRetry}).
     */
    @Override
    public CompletionStage<Void> writeAsync(StepRecord step) {
        return group.submit(step);
    }

    /**
     * Writes answers (steps that change no record, such as a page of a resync) in one transaction, under no lease:
     * the worker answering may not own the numbers. Waits out an outage of the store as {@link #write} does.
     */
    @Override
    public void writeAnswers(List<StepRecord> answers) {
        OutageRetry.untilWritten(answers.size() + " answer(s)", () -> writeOnce(answers, Optional.empty()));
    }

    /** Stops the writer of lane steps (after the lanes stopped): steps still queued fail. */
    @Override
    public void close() {
        group.close();
    }

    /** A group of lane steps, from {@link GroupCommit}'s writer thread. */
    private void writeGroup(List<StepRecord> steps) {
        OutageRetry.untilWritten(steps.size() == 1 ? "the step of number " + steps.getFirst().numberId()
                : "a group of " + steps.size() + " steps", () -> writeOnce(steps, Optional.of(workerId)));
    }

    /**
     * Writes the steps in one transaction. A lane step ({@code leaseHolder} present) needs its number's lease: a
     * step of a worker that lost it records nothing, and the other steps are written all the same (see
     * {@link StepFence}). The caller gives at most one step per number that changes its record.
     */
    private void writeOnce(List<StepRecord> steps, Optional<String> leaseHolder) {
        Instant now = clock.instant();
        boolean wroteEvents = Boolean.TRUE.equals(transactions.execute(transaction -> {
            List<StepRecord> admitted = leaseHolder.isEmpty() ? steps : fence.admitted(steps);
            // Each table's rows of all the steps in one statement (a round trip each, see MultiRowStatement). The
            // steps are of different numbers, except answers, which change no record: the order between the
            // tables does not matter, and a number's status written twice keeps the later one, as two upserts would.
            Map<Long, ValidationRecord> saved = new LinkedHashMap<>();
            Set<Long> deleted = new LinkedHashSet<>();
            Map<Long, NumberStatus> standing = new LinkedHashMap<>();
            List<OwedEvent> rows = new ArrayList<>();
            for (StepRecord step : admitted) {
                switch (step.change()) {
                    case StepRecord.Change.Save save -> saved.put(step.numberId(), save.validation());
                    case StepRecord.Change.Delete ignored -> deleted.add(step.numberId());
                    case StepRecord.Change.Keep ignored -> { }
                }
                step.status().ifPresent(status -> standing.put(status.numberId(), status));
                step.events().forEach(owed -> rows.add(row(step.numberId(), owed, now, leaseHolder)));
            }
            save(List.copyOf(saved.values()), now);
            delete(List.copyOf(deleted));
            statuses.save(List.copyOf(standing.values()), now);
            insert(rows);
            return !rows.isEmpty();
        }));
        if (wroteEvents) {
            written.raise();
        }
    }

    /**
     * The outbox row of an event, numbered in this worker's order when it is written (a transaction retried after
     * an outage numbers its rows again: gaps in {@code seq} are harmless, only the order counts).
     */
    private OwedEvent row(long numberId, StepRecord.Owed owed, Instant now, Optional<String> leaseHolder) {
        WorkerEvent event = owed.event();
        return new OwedEvent(owed.eventId(), numberId, sequence.next(), event.action(), event.header().timestamp(),
                event.header().correlationId(), encoder.encode(event, owed.eventId()), now, leaseHolder,
                Optional.empty());
    }

    @Override
    public Optional<NumberStatus> recordedStatus(long numberId) {
        return statuses.find(numberId);
    }

    @Override
    public List<NumberStatus> recordedStatuses(long afterNumberId, int limit) {
        return statuses.page(afterNumberId, limit);
    }

    @Override
    public boolean delivered(Collection<String> eventIds) {
        return eventIds.isEmpty() || jdbc.sql("SELECT COUNT(*) FROM outbox WHERE worker_id = :worker AND event_id IN"
                + " (:ids)").param("worker", workerId).param("ids", eventIds).query(Long.class).single() == 0;
    }

    /**
     * An event with no state change behind it (an answer to a command refused or forwarded): owed all the same, and
     * under no lease (the worker answering may not own the number). Completes once it is written; the relay
     * delivers it from there.
     */
    @Override
    public CompletionStage<Void> publish(WorkerEvent event) {
        try {
            // Once: the caller (the command listener) must not wait out an outage on its thread. Under no lease:
            // the worker answering may not own the number.
            writeOnce(List.of(new StepRecord(event.header().numberId(), new StepRecord.Change.Keep(),
                    List.of(new StepRecord.Owed(UUID.randomUUID().toString(), event)))), Optional.empty());
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }

    private void save(List<ValidationRecord> validations, Instant now) {
        // Portable upsert: SQLite (3.24+) and PostgreSQL both know ON CONFLICT ... DO UPDATE.
        MultiRowStatement.insert(jdbc, """
                        INSERT INTO validation (worker_id, number_id, phone_number, pairing_method, correlation_id,
                                                state, attempt, qr_index, started_at, updated_at)""", 10, """
                        ON CONFLICT (worker_id, number_id) DO UPDATE SET
                            phone_number = excluded.phone_number, pairing_method = excluded.pairing_method,
                            correlation_id = excluded.correlation_id, state = excluded.state,
                            attempt = excluded.attempt, qr_index = excluded.qr_index,
                            started_at = excluded.started_at, updated_at = excluded.updated_at""",
                validations, validation -> Arrays.asList(workerId, validation.numberId(), validation.phoneNumber(),
                        validation.pairingMethod().name(), validation.correlationId().orElse(null),
                        validation.state().name(), validation.attempt(), validation.qrIndex(),
                        validation.startedAt().map(Instant::toEpochMilli).orElse(null), now.toEpochMilli()));
    }

    private void delete(List<Long> numberIds) {
        for (List<Long> chunk : MultiRowStatement.chunks(numberIds, MultiRowStatement.MAX_PARAMETERS)) {
            List<Object> parameters = new ArrayList<>(chunk.size() + 1);
            parameters.add(workerId);
            parameters.addAll(chunk);
            jdbc.sql("DELETE FROM validation WHERE worker_id = ? AND number_id IN ("
                    + MultiRowStatement.placeholders(chunk.size()) + ")").params(parameters).update();
        }
    }

    private void insert(List<OwedEvent> rows) {
        MultiRowStatement.insert(jdbc, """
                        INSERT INTO outbox (event_id, worker_id, seq, number_id, action, occurred_at, correlation_id,
                                            body, stored_at, lease_holder)""", 10, "", rows,
                row -> Arrays.asList(row.eventId(), workerId, row.seq(), row.numberId(), row.action(),
                        row.occurredAt().toEpochMilli(), row.correlationId().orElse(null), row.body(),
                        row.storedAt().toEpochMilli(), row.leaseHolder().orElse(null)));
    }
}
