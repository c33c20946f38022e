package dev.waworker.ownership;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The worker registry and the numbers' leases in the shared database, as seen by one worker ({@code me}). Every
 * change is a single conditional statement, so that two workers racing for a number cannot both win: the
 * database's row lock on {@code number_lease} decides. Renewals and releases name the fencing token the claim
 * returned, so that they never touch a lease that changed hands in between. Instants come from the caller (the
 * worker's clock), so that the rules can be tested on a manual clock.
 */
public final class JdbcLeases {

    /** Numbers per renewal or release statement: far below the bind-parameter limits of SQLite and PostgreSQL. */
    private static final int CHUNK = 500;

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

    /**
     * What {@link OwnershipPolicy} needs to route a command for {@code numberId}: the number's lease, and the worker
     * the command names unless it names none or this one.
     */
    public LeaseSnapshot snapshot(long numberId, Optional<String> namedWorker) {
        Optional<String> other = namedWorker.filter(id -> !id.equals(me));
        return new LeaseSnapshot(lease(numberId),
                other.isEmpty() ? new NamedWorker.None() : worker(other.get()));
    }

    /** The worker {@code workerId} as registered (alive or not), or that it never started. */
    public NamedWorker worker(String workerId) {
        Optional<NamedWorker.Registered> registered = jdbc.sql(
                        "SELECT queue, heartbeat_at FROM worker_registry WHERE worker_id = ?")
                .param(workerId)
                .query((row, index) -> new NamedWorker.Registered(new Owner(workerId, row.getString("queue")),
                        Instant.ofEpochMilli(row.getLong("heartbeat_at"))))
                .optional();
        return registered.isPresent() ? registered.get() : new NamedWorker.NeverStarted(workerId);
    }

    /**
     * The workers other than this one whose last heartbeat is older than {@code since} and that hold no lease live
     * at {@code now}: a survivor may clean up after them. (A worker renews its heartbeat and its leases in one tick,
     * but a lease claimed between two ticks outlives the last heartbeat by up to a tick: such a worker waits.)
     */
    public List<SilentWorker> workersSilentSince(Instant since, Instant now) {
        return jdbc.sql("""
                        SELECT w.worker_id, w.queue, w.heartbeat_at FROM worker_registry w
                        WHERE w.worker_id <> :me AND w.heartbeat_at < :since
                          AND NOT EXISTS (SELECT 1 FROM number_lease l
                                          WHERE l.owner_id = w.worker_id AND l.expires_at > :now)
                        ORDER BY w.heartbeat_at""")
                .param("me", me).param("since", since.toEpochMilli()).param("now", now.toEpochMilli())
                .query((row, index) -> new SilentWorker(row.getString("worker_id"), row.getString("queue"),
                        Instant.ofEpochMilli(row.getLong("heartbeat_at"))))
                .list();
    }

    /**
     * Deletes the registry row of a worker that is still silent since {@code since}, holds no lease live at
     * {@code now} and owes no event any more (its outbox is empty: a survivor relays what it left). One statement,
     * so that a worker coming back to life in between keeps its row.
     *
     * @return whether the row was deleted
     */
    public boolean forget(String workerId, Instant since, Instant now) {
        return jdbc.sql("""
                        DELETE FROM worker_registry
                        WHERE worker_id = :worker AND worker_id <> :me AND heartbeat_at < :since
                          AND NOT EXISTS (SELECT 1 FROM number_lease WHERE owner_id = :worker AND expires_at > :now)
                          AND NOT EXISTS (SELECT 1 FROM outbox WHERE worker_id = :worker)""")
                .param("worker", workerId).param("me", me).param("since", since.toEpochMilli())
                .param("now", now.toEpochMilli())
                .update() == 1;
    }

    /** The number's lease, live or not, with its holder's queue; empty when nobody ever claimed the number. */
    public Optional<Lease> lease(long numberId) {
        return jdbc.sql("""
                        SELECT l.owner_id, w.queue, l.expires_at, l.token FROM number_lease l
                        JOIN worker_registry w ON w.worker_id = l.owner_id
                        WHERE l.number_id = ?""")
                .param(numberId)
                .query((row, index) -> new Lease(new Owner(row.getString("owner_id"), row.getString("queue")),
                        Instant.ofEpochMilli(row.getLong("expires_at")), row.getLong("token")))
                .optional();
    }

    /** The worker that holds the number's lease, or held it last (expired or released); empty when none ever did. */
    public Optional<String> holderOf(long numberId) {
        return jdbc.sql("SELECT owner_id FROM number_lease WHERE number_id = ?").param(numberId).query(String.class)
                .optional();
    }

    /**
     * The other workers whose last heartbeat was at or before {@code cutoff}: dead, when the cutoff is
     * {@link LeaseTerms#deadIfSilentSince}.
     */
    public List<String> idsOfWorkersSilentSince(Instant cutoff) {
        return jdbc.sql("""
                        SELECT worker_id FROM worker_registry WHERE worker_id <> ? AND heartbeat_at <= ?
                        ORDER BY worker_id""")
                .params(me, cutoff.toEpochMilli()).query(String.class).list();
    }

    /**
     * Whether the worker is still silent since {@code cutoff}, and if so keeps it so until the caller's transaction
     * ends: the statement locks the worker's registry row (an update that changes nothing), so that a heartbeat of
     * that worker, back after all, waits for the transaction, and sees its result.
     */
    public boolean holdIfSilentSince(String workerId, Instant cutoff) {
        return jdbc.sql("""
                        UPDATE worker_registry SET heartbeat_at = heartbeat_at
                        WHERE worker_id = ? AND heartbeat_at <= ?""")
                .params(workerId, cutoff.toEpochMilli()).update() == 1;
    }

    /**
     * Takes the number's lease for this worker when nobody holds it, its holder's lease has expired, or this
     * worker holds it already (then it is renewed, and keeps its token).
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
     * Extends the leases this worker holds under the given tokens ({@code number_id = ? AND owner_id = me AND
     * token = ?}, for a batch of numbers at once). A lease that expired or was released and that nobody claimed
     * since still carries its token, and is extended too: nobody else held the number in between.
     *
     * @param tokens     number → the fencing token this worker's claim returned
     * @param startedAt  when this renewal started: the leases expire a lease time after it
     * @return the numbers whose lease was extended; the others changed hands since (their token moved on)
     */
    public Set<Long> renew(Map<Long, Long> tokens, Instant startedAt) {
        Set<Long> renewed = new HashSet<>();
        for (List<Object[]> chunk : chunks(tokens)) {
            renewed.addAll(jdbc.sql("""
                            UPDATE number_lease SET expires_at = :expires
                            WHERE owner_id = :me AND (number_id, token) IN (VALUES :held)
                            RETURNING number_id""")
                    .param("expires", terms.expiresAt(startedAt).toEpochMilli()).param("me", me)
                    .param("held", chunk)
                    .query(Long.class).list());
        }
        return renewed;
    }

    /**
     * Gives up this worker's leases of the numbers, each only under the token given (a lease that changed hands
     * since is left alone): anyone may claim them from now on. The row stays, so that tokens never go back.
     */
    public void release(Map<Long, Long> tokens) {
        for (List<Object[]> chunk : chunks(tokens)) {
            jdbc.sql("""
                            UPDATE number_lease SET expires_at = 0
                            WHERE owner_id = :me AND (number_id, token) IN (VALUES :held)""")
                    .param("me", me).param("held", chunk).update();
        }
    }

    /** The numbers another worker holds a live lease on at {@code now}. */
    public Set<Long> heldByOthers(Instant now) {
        return new HashSet<>(jdbc.sql("SELECT number_id FROM number_lease WHERE owner_id <> ? AND expires_at > ?")
                .params(me, now.toEpochMilli()).query(Long.class).list());
    }

    /** (number, token) pairs, {@link #CHUNK} at a time: Spring expands each list into {@code (?, ?), (?, ?)…}. */
    private static List<List<Object[]>> chunks(Map<Long, Long> tokens) {
        List<List<Object[]>> chunks = new ArrayList<>();
        List<Object[]> chunk = new ArrayList<>();
        for (Map.Entry<Long, Long> entry : tokens.entrySet()) {
            chunk.add(new Object[] {entry.getKey(), entry.getValue()});
            if (chunk.size() == CHUNK) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }
}
