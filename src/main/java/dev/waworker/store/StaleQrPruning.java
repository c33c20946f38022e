package dev.waworker.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox as the relay reads it, minus the QRs nobody can scan any more: a {@code qr_generated} whose
 * {@code expiresAt} has passed when the relay reaches it, and that a newer {@code qr_generated} of the same number,
 * still in the outbox, supersedes. Such a QR is deleted instead of sent (counted in {@value #DROPPED}, logged at
 * DEBUG without its payload, a credential). After a broker outage the backend so gets the QR it can show, not a
 * string of dead ones before it. Every other event, and an expired QR that is the number's latest, is delivered.
 */
public final class StaleQrPruning implements OutboxReader {

    static final String DROPPED = "worker.outbox.qr.dropped";
    private static final String QR_GENERATED = "qr_generated";
    private static final Logger log = LoggerFactory.getLogger(StaleQrPruning.class);

    private final OutboxReader outbox;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Counter dropped;

    public StaleQrPruning(OutboxReader outbox, JdbcClient jdbc, Clock clock, MeterRegistry meters) {
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.clock = clock;
        this.dropped = Counter.builder(DROPPED)
                .description("qr_generated events deleted from the outbox unsent: expired and superseded by a newer QR")
                .register(meters);
    }

    /** The oldest owed events, the stale QRs among them deleted; empty only when nothing else is owed. */
    @Override
    public List<OwedEvent> owed(int limit) {
        return owedExcept(limit, Set.of());
    }

    /** The same, of the events not {@code known}: only those are looked at (their bodies read and parsed). */
    @Override
    public List<OwedEvent> owedExcept(int limit, Set<String> known) {
        while (true) {
            List<OwedEvent> batch = outbox.owedExcept(limit, known);
            Instant now = clock.instant();
            List<OwedEvent> deliverable = new ArrayList<>(batch.size());
            for (OwedEvent event : batch) {
                if (isStale(event, now)) {
                    drop(event);
                } else {
                    deliverable.add(event);
                }
            }
            // A batch of stale QRs only (a single event while the broker is away) says nothing about what follows.
            if (!deliverable.isEmpty() || batch.isEmpty()) {
                return deliverable;
            }
        }
    }

    private boolean isStale(OwedEvent event, Instant now) {
        return QR_GENERATED.equals(event.action())
                && expiresAt(event).filter(expiry -> !expiry.isAfter(now)).isPresent()
                && isSuperseded(event);
    }

    /** Its {@code expiresAt} as the backend would read it; none when the body has no such number. */
    private Optional<Instant> expiresAt(OwedEvent event) {
        JsonNode expiresAt = json.readTree(event.body()).path("expiresAt");
        return expiresAt.isIntegralNumber() ? Optional.of(Instant.ofEpochMilli(expiresAt.longValue()))
                : Optional.empty();
    }

    /** Whether the outbox holds a QR of the same number written after this one (whichever worker wrote it). */
    private boolean isSuperseded(OwedEvent qr) {
        long occurredAt = qr.occurredAt().toEpochMilli();
        return jdbc.sql("""
                        SELECT COUNT(*) FROM outbox
                        WHERE number_id = :number AND action = :action AND event_id <> :id
                          AND (occurred_at > :at OR (occurred_at = :at AND seq > :seq))""")
                .param("number", qr.numberId()).param("action", QR_GENERATED).param("id", qr.eventId())
                .param("at", occurredAt).param("seq", qr.seq())
                .query(Long.class).single() > 0;
    }

    private void drop(OwedEvent qr) {
        jdbc.sql("DELETE FROM outbox WHERE event_id = ?").param(qr.eventId()).update();
        dropped.increment();
        if (log.isDebugEnabled()) {
            log.debug("Dropped {} unsent: it expired {} ago and a newer QR of number {} follows it", qr,
                    Duration.between(expiresAt(qr).orElseThrow(), clock.instant()), qr.numberId());
        }
    }

    @Override
    public void delivered(Collection<String> eventIds) {
        outbox.delivered(eventIds);
    }

    @Override
    public void fencedOff(Collection<String> eventIds) {
        outbox.fencedOff(eventIds);
    }

    @Override
    public long owedCount() {
        return outbox.owedCount();
    }

    @Override
    public void awaitWritten(Duration timeout) throws InterruptedException {
        outbox.awaitWritten(timeout);
    }

    @Override
    public void wake() {
        outbox.wake();
    }
}
