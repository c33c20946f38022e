package dev.waworker.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.waworker.session.EventSink;
import dev.waworker.session.StepRecord;
import dev.waworker.session.ValidationJournal;
import dev.waworker.session.ValidationRecord;
import dev.waworker.session.WorkerEvent;

/**
 * The worker's durable record: the {@code validation} table (one row per live session) and the transactional
 * {@code outbox} of the events owed to the backend. A lane step's record and events are written in one
 * transaction; a relay reads the outbox in order and deletes each event once the broker confirmed it. Rows carry
 * the worker's id, so that several workers may share one PostgreSQL database.
 */
public final class JdbcOutbox implements ValidationJournal, EventSink {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final String workerId;
    private final EventEncoder encoder;
    private final Clock clock;
    /** Orders the outbox; starts after what an earlier run left, so that owed events keep their order. */
    private final AtomicLong sequence;
    /** Who waits for the confirm of which event written by this run. */
    private final Map<String, CompletableFuture<Void>> awaitingConfirm = new ConcurrentHashMap<>();
    private volatile Runnable onWritten = () -> { };

    public JdbcOutbox(JdbcClient jdbc, TransactionTemplate transactions, String workerId, EventEncoder encoder,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.workerId = workerId;
        this.encoder = encoder;
        this.clock = clock;
        this.sequence = new AtomicLong(jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE worker_id = ?")
                .param(workerId).query(Long.class).single());
    }

    /** Tells {@code listener} whenever events were written, so that a waiting relay wakes up. */
    public void onWritten(Runnable listener) {
        this.onWritten = listener;
    }

    @Override
    public List<CompletionStage<Void>> write(StepRecord step) {
        Instant now = clock.instant();
        List<OwedEvent> rows = new ArrayList<>();
        for (WorkerEvent event : step.events()) {
            String eventId = UUID.randomUUID().toString();
            rows.add(new OwedEvent(eventId, step.numberId(), sequence.incrementAndGet(), event.action(),
                    event.header().timestamp(), event.header().correlationId(), encoder.encode(event, eventId), now));
        }
        // Registered before the write: the relay may confirm an event before this method returns.
        List<CompletionStage<Void>> confirms = new ArrayList<>();
        for (OwedEvent row : rows) {
            CompletableFuture<Void> confirm = new CompletableFuture<>();
            awaitingConfirm.put(row.eventId(), confirm);
            confirms.add(confirm.minimalCompletionStage());
        }
        try {
            transactions.executeWithoutResult(status -> {
                switch (step.change()) {
                    case StepRecord.Change.Save save -> save(save.validation(), now);
                    case StepRecord.Change.Delete ignored -> delete(step.numberId());
                    case StepRecord.Change.Keep ignored -> { }
                }
                rows.forEach(this::insert);
            });
        } catch (RuntimeException failure) {
            rows.forEach(row -> awaitingConfirm.remove(row.eventId()));
            throw failure;
        }
        if (!rows.isEmpty()) {
            onWritten.run();
        }
        return confirms;
    }

    /** An event with no state change behind it (an answer to a command refused or forwarded): owed all the same. */
    @Override
    public CompletionStage<Void> publish(WorkerEvent event) {
        return write(new StepRecord(event.header().numberId(), new StepRecord.Change.Keep(), List.of(event)))
                .getFirst();
    }

    /** The oldest events owed, at most {@code limit}, in the order they were written. */
    public List<OwedEvent> owed(int limit) {
        return jdbc.sql("""
                        SELECT event_id, number_id, seq, action, occurred_at, correlation_id, body, stored_at
                        FROM outbox WHERE worker_id = ? ORDER BY seq LIMIT ?""")
                .params(workerId, limit)
                .query((row, index) -> new OwedEvent(row.getString("event_id"), row.getLong("number_id"),
                        row.getLong("seq"), row.getString("action"),
                        Instant.ofEpochMilli(row.getLong("occurred_at")),
                        Optional.ofNullable(row.getString("correlation_id")), row.getString("body"),
                        Instant.ofEpochMilli(row.getLong("stored_at"))))
                .list();
    }

    /** The broker confirmed these events: they are owed no more. */
    public void delivered(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        jdbc.sql("DELETE FROM outbox WHERE worker_id = :worker AND event_id IN (:ids)")
                .param("worker", workerId).param("ids", eventIds).update();
        for (String eventId : eventIds) {
            CompletableFuture<Void> confirm = awaitingConfirm.remove(eventId);
            if (confirm != null) {
                confirm.complete(null);
            }
        }
    }

    /** How many events are owed. */
    public long owedCount() {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE worker_id = ?").param(workerId).query(Long.class).single();
    }

    private void save(ValidationRecord validation, Instant now) {
        // Portable upsert: SQLite (3.24+) and PostgreSQL both know ON CONFLICT ... DO UPDATE.
        jdbc.sql("""
                        INSERT INTO validation (worker_id, number_id, phone_number, pairing_method, correlation_id,
                                                state, attempt, qr_index, started_at, updated_at)
                        VALUES (:worker, :number, :phone, :method, :correlation, :state, :attempt, :qrIndex,
                                :startedAt, :now)
                        ON CONFLICT (worker_id, number_id) DO UPDATE SET
                            phone_number = excluded.phone_number, pairing_method = excluded.pairing_method,
                            correlation_id = excluded.correlation_id, state = excluded.state,
                            attempt = excluded.attempt, qr_index = excluded.qr_index,
                            started_at = excluded.started_at, updated_at = excluded.updated_at""")
                .param("worker", workerId)
                .param("number", validation.numberId())
                .param("phone", validation.phoneNumber())
                .param("method", validation.pairingMethod().name())
                .param("correlation", validation.correlationId().orElse(null))
                .param("state", validation.state().name())
                .param("attempt", validation.attempt())
                .param("qrIndex", validation.qrIndex())
                .param("startedAt", validation.startedAt().map(Instant::toEpochMilli).orElse(null))
                .param("now", now.toEpochMilli())
                .update();
    }

    private void delete(long numberId) {
        jdbc.sql("DELETE FROM validation WHERE worker_id = ? AND number_id = ?").params(workerId, numberId).update();
    }

    private void insert(OwedEvent row) {
        jdbc.sql("""
                        INSERT INTO outbox (event_id, worker_id, seq, number_id, action, occurred_at, correlation_id,
                                            body, stored_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(row.eventId(), workerId, row.seq(), row.numberId(), row.action(),
                        row.occurredAt().toEpochMilli(), row.correlationId().orElse(null), row.body(),
                        row.storedAt().toEpochMilli())
                .update();
    }
}
