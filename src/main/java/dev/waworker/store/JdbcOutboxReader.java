package dev.waworker.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads this worker's rows of the {@code outbox} table for the relay, and deletes those the broker confirmed. */
public final class JdbcOutboxReader implements OutboxReader {

    private final JdbcClient jdbc;
    private final String workerId;
    private final OutboxSignal written;

    public JdbcOutboxReader(JdbcClient jdbc, String workerId, OutboxSignal written) {
        this.jdbc = jdbc;
        this.workerId = workerId;
        this.written = written;
    }

    @Override
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

    @Override
    public void delivered(Collection<String> eventIds) {
        if (!eventIds.isEmpty()) {
            jdbc.sql("DELETE FROM outbox WHERE worker_id = :worker AND event_id IN (:ids)")
                    .param("worker", workerId).param("ids", eventIds).update();
        }
    }

    @Override
    public long owedCount() {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE worker_id = ?").param(workerId).query(Long.class).single();
    }

    @Override
    public void awaitWritten(Duration timeout) throws InterruptedException {
        written.await(timeout);
    }

    @Override
    public void wake() {
        written.raise();
    }
}
