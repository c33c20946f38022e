package dev.waworker.ownership;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The worker registry and the numbers' leases in the shared database, as seen by one worker ({@code me}). Every
 * change is a single conditional statement, so that two workers racing for a number cannot both win: the
 * database's row lock on {@code number_lease} decides. Instants come from the caller (the worker's clock), so that
 * the rules can be tested on a manual clock.
 */
public final class JdbcLeases {

    private final JdbcClient jdbc;
    private final String me;
    private final LeaseTerms terms;

    public JdbcLeases(JdbcClient jdbc, String me, LeaseTerms terms) {
        this.jdbc = jdbc;
        this.me = me;
        this.terms = terms;
    }

    /** Registers this worker with its queue, or records that it is still alive. */
    public void heartbeat(String queue, Instant now) {
        jdbc.sql("""
                        INSERT INTO worker_registry (worker_id, queue, heartbeat_at) VALUES (:me, :queue, :now)
                        ON CONFLICT (worker_id) DO UPDATE SET queue = excluded.queue,
                                                              heartbeat_at = excluded.heartbeat_at""")
                .param("me", me).param("queue", queue).param("now", now.toEpochMilli())
                .update();
    }

    /** The worker {@code workerId} as registered (alive or not); empty when no worker of that id ever started. */
    public Optional<Registered> worker(String workerId) {
        return jdbc.sql("SELECT queue, heartbeat_at FROM worker_registry WHERE worker_id = ?")
                .param(workerId)
                .query((row, index) -> new Registered(new Owner(workerId, row.getString("queue")),
                        Instant.ofEpochMilli(row.getLong("heartbeat_at"))))
                .optional();
    }

    /** A registered worker and its last heartbeat. */
    public record Registered(Owner owner, Instant heartbeatAt) {
    }

    /** Who holds the number's lease at {@code now}, if anyone does. */
    public Optional<Owner> owner(long numberId, Instant now) {
        return jdbc.sql("""
                        SELECT l.owner_id, w.queue FROM number_lease l
                        JOIN worker_registry w ON w.worker_id = l.owner_id
                        WHERE l.number_id = ? AND l.expires_at > ?""")
                .params(numberId, now.toEpochMilli())
                .query((row, index) -> new Owner(row.getString("owner_id"), row.getString("queue")))
                .optional();
    }

    /**
     * Takes the number's lease for this worker when nobody holds it, its holder's lease has expired, or this
     * worker holds it already (then it is renewed).
     *
     * @return the lease's fencing token when this worker holds it now; empty when another worker does
     */
    public OptionalLong claim(long numberId, Instant now) {
        Optional<Long> token = jdbc.sql("""
                        INSERT INTO number_lease (number_id, owner_id, expires_at, token)
                        VALUES (:number, :me, :expires, 1)
                        ON CONFLICT (number_id) DO UPDATE SET
                            owner_id = excluded.owner_id, expires_at = excluded.expires_at,
                            token = CASE WHEN number_lease.owner_id = excluded.owner_id THEN number_lease.token
                                         ELSE number_lease.token + 1 END
                        WHERE number_lease.owner_id = excluded.owner_id OR number_lease.expires_at <= :now
                        RETURNING token""")
                .param("number", numberId).param("me", me)
                .param("expires", terms.expiresAt(now).toEpochMilli()).param("now", now.toEpochMilli())
                .query(Long.class).optional();
        return token.map(OptionalLong::of).orElseGet(OptionalLong::empty);
    }

    /**
     * Extends every lease this worker still holds (expired ones included, as long as nobody took them over).
     *
     * @param startedAt when this renewal started: the leases expire a lease time after it
     * @return the numbers this worker holds now
     */
    public Set<Long> renewAll(Instant startedAt) {
        return new HashSet<>(jdbc.sql("""
                        UPDATE number_lease SET expires_at = :expires WHERE owner_id = :me AND expires_at > 0
                        RETURNING number_id""")
                .param("expires", terms.expiresAt(startedAt).toEpochMilli()).param("me", me)
                .query(Long.class).list());
    }

    /** Gives up this worker's leases of {@code numberIds}: anyone may claim them from now on. */
    public void release(Collection<Long> numberIds) {
        if (numberIds.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE number_lease SET expires_at = 0 WHERE owner_id = :me AND number_id IN (:numbers)")
                .param("me", me).param("numbers", numberIds).update();
    }

    /** The numbers another worker holds a live lease on at {@code now}. */
    public Set<Long> heldByOthers(Instant now) {
        return new HashSet<>(jdbc.sql("SELECT number_id FROM number_lease WHERE owner_id <> ? AND expires_at > ?")
                .params(me, now.toEpochMilli()).query(Long.class).list());
    }
}
