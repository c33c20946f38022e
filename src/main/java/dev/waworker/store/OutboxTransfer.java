package dev.waworker.store;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves owed events into this worker's outbox, in their order and with their {@code eventId}s: the events a
 * number's previous lease holder still owed for it, when this worker becomes its owner, and the events of a worker
 * that fell silent, which this worker then relays for it. Moved events are placed after everything already in this
 * outbox and before everything written from then on (see {@link OutboxSequence}), so that each number's events keep
 * their order across workers.
 *
 * <p>Runs in the caller's transaction, the one that decided the move (the claim of the number, the check that the
 * worker is still silent). Each row moves only if it is still where it was read, so that two workers moving the
 * same rows at once cannot both get one: the database's row lock decides, and the loser's update finds nothing.
 */
public final class OutboxTransfer {

    /** Rows adopted from one silent worker per call; the rest follow at the next call, in order. */
    static final int ADOPTION_BATCH = 1000;

    private final JdbcClient jdbc;
    private final String workerId;
    private final OutboxSequence sequence;
    private final OutboxSignal written;

    public OutboxTransfer(JdbcClient jdbc, String workerId, OutboxSequence sequence, OutboxSignal written) {
        this.jdbc = jdbc;
        this.workerId = workerId;
        this.sequence = sequence;
        this.written = written;
    }

    /**
     * This worker took the number over from {@code previousHolder}: the events written under that worker's lease,
     * wherever they wait (its outbox, or the outbox of a survivor that adopted them), become this worker's to relay,
     * under its own lease. Events written under older leases stay where they are: they are stale.
     *
     * @return how many events moved
     */
    public int takeNumber(long numberId, String previousHolder) {
        List<String> owed = jdbc.sql("""
                        SELECT event_id FROM outbox WHERE number_id = ? AND lease_holder = ?
                        ORDER BY stored_at, seq""")
                .params(numberId, previousHolder).query(String.class).list();
        int moved = 0;
        for (String eventId : owed) {
            moved += jdbc.sql("""
                            UPDATE outbox SET worker_id = :me, lease_holder = :me, seq = :seq
                            WHERE event_id = :event AND lease_holder = :previous""")
                    .param("me", workerId).param("seq", sequence.next()).param("event", eventId)
                    .param("previous", previousHolder).update();
        }
        return moved;
    }

    /**
     * The oldest events (at most {@link #ADOPTION_BATCH}) that the silent worker owes become this worker's to
     * relay; their lease holder stays the same, so that they are still dropped if their number went to another
     * worker.
     *
     * @return how many events moved
     */
    public int adopt(String silentWorker) {
        List<String> owed = jdbc.sql("SELECT event_id FROM outbox WHERE worker_id = ? ORDER BY seq LIMIT ?")
                .params(silentWorker, ADOPTION_BATCH).query(String.class).list();
        int moved = 0;
        for (String eventId : owed) {
            moved += jdbc.sql("UPDATE outbox SET worker_id = :me, seq = :seq WHERE event_id = :event AND worker_id = :from")
                    .param("me", workerId).param("seq", sequence.next()).param("event", eventId)
                    .param("from", silentWorker).update();
        }
        return moved;
    }

    /** Whether the worker's outbox holds any event. */
    public boolean owes(String worker) {
        return jdbc.sql("SELECT COUNT(*) FROM outbox WHERE worker_id = ?").param(worker).query(Long.class).single() > 0;
    }

    /** Events moved in: the relay looks at once rather than at the end of its idle wait. */
    public void wakeRelay() {
        written.raise();
    }
}
