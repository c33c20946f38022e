package dev.waworker.store;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The order of one worker's outbox ({@code seq}): the journal numbers the events it writes from it, and so does
 * {@link OutboxTransfer} for the events it moves in, so that events taken over from another worker come before
 * everything this worker writes about their number afterwards. Read at the first use (not at construction: the
 * database may not be migrated yet), it starts after what an earlier run left.
 */
public final class OutboxSequence {

    private final JdbcClient jdbc;
    private final String workerId;
    private AtomicLong last;

    public OutboxSequence(JdbcClient jdbc, String workerId) {
        this.jdbc = jdbc;
        this.workerId = workerId;
    }

    /** The next place in this worker's outbox. */
    public long next() {
        return counter().incrementAndGet();
    }

    private synchronized AtomicLong counter() {
        if (last == null) {
            last = new AtomicLong(jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE worker_id = ?")
                    .param(workerId).query(Long.class).single());
        }
        return last;
    }
}
