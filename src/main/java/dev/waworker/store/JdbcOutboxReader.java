package dev.waworker.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads this worker's rows of the {@code outbox} table for the relay, each with its number's lease holder (none on
 * SQLite, where nobody writes leases), and deletes those the broker confirmed or the relay found stale.
 */
public final class JdbcOutboxReader implements OutboxReader {

    /** Reads through one connection (or pool), strikes off through another (see {@link OutboxReadConnection}). */
    private final JdbcClient reads;
    private final JdbcClient jdbc;
    private final String workerId;
    private final OutboxSignal written;

    public JdbcOutboxReader(JdbcClient jdbc, String workerId, OutboxSignal written) {
        this(jdbc, jdbc, workerId, written);
    }

    /**
     * @param reads where the owed events are read (the relay's own connection on SQLite)
     * @param jdbc  where they are struck off
     */
    public JdbcOutboxReader(JdbcClient reads, JdbcClient jdbc, String workerId, OutboxSignal written) {
        this.reads = reads;
        this.jdbc = jdbc;
        this.workerId = workerId;
        this.written = written;
    }

    @Override
    public List<OwedEvent> owed(int limit) {
        return owedExcept(limit, Set.of());
    }

    /**
     * Two reads: the oldest events' headings (no body), then the bodies of the new ones only. A relay with many
     * events on their way so does not read their bodies (QR images of a few KiB each) again at every look.
     */
    @Override
    public List<OwedEvent> owedExcept(int limit, Set<String> known) {
        List<OwedEvent> fresh = reads.sql("""
                        SELECT o.event_id, o.number_id, o.seq, o.action, o.occurred_at, o.correlation_id,
                               o.stored_at, o.lease_holder, l.owner_id AS number_owner
                        FROM outbox o LEFT JOIN number_lease l ON l.number_id = o.number_id
                        WHERE o.worker_id = ? ORDER BY o.seq LIMIT ?""")
                .params(workerId, limit)
                .query((row, index) -> new OwedEvent(row.getString("event_id"), row.getLong("number_id"),
                        row.getLong("seq"), row.getString("action"),
                        Instant.ofEpochMilli(row.getLong("occurred_at")),
                        Optional.ofNullable(row.getString("correlation_id")), null,
                        Instant.ofEpochMilli(row.getLong("stored_at")),
                        Optional.ofNullable(row.getString("lease_holder")),
                        Optional.ofNullable(row.getString("number_owner"))))
                .list().stream().filter(event -> !known.contains(event.eventId())).toList();
        if (fresh.isEmpty()) {
            return fresh;
        }
        Map<String, String> bodies = new HashMap<>();
        reads.sql("SELECT event_id, body FROM outbox WHERE worker_id = :worker AND event_id IN (:ids)")
                .param("worker", workerId).param("ids", fresh.stream().map(OwedEvent::eventId).toList())
                .query(row -> {
                    bodies.put(row.getString("event_id"), row.getString("body"));
                });
        // An event struck off between the two reads (fenced off, pruned by another worker's take-over) is left out.
        return fresh.stream().filter(event -> bodies.containsKey(event.eventId()))
                .map(event -> event.withBody(bodies.get(event.eventId()))).toList();
    }

    @Override
    public void delivered(Collection<String> eventIds) {
        strikeOff(eventIds);
    }

    @Override
    public void fencedOff(Collection<String> eventIds) {
        strikeOff(eventIds);
    }

    private void strikeOff(Collection<String> eventIds) {
        if (!eventIds.isEmpty()) {
            jdbc.sql("DELETE FROM outbox WHERE worker_id = :worker AND event_id IN (:ids)")
                    .param("worker", workerId).param("ids", eventIds).update();
        }
    }

    @Override
    public long owedCount() {
        return reads.sql("SELECT COUNT(*) FROM outbox WHERE worker_id = ?").param(workerId).query(Long.class).single();
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
