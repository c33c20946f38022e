package dev.waworker.store;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.session.StepRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * On a shared database, a lane step is written only while this worker still holds its number's lease (or held it
 * last: a lease that expired or was released and that nobody claimed since). A worker that lost the number (a
 * partition from the database that just healed, a long pause) and did not notice yet would otherwise write a stale
 * record, which a take-over would resume after the number's new owner ended the validation, and stale events.
 *
 * <p>The check locks the number's lease row until the step's transaction ends (an update that changes nothing), so
 * that a claim by another worker waits for the step's commit, and then takes its events along (see
 * {@code OutboxTransfer#takeNumber}); a step that comes after the claim finds the lease gone and writes nothing. With
 * the embedded SQLite (one worker, no leases) nothing is checked.
 */
public final class StepFence {

    private static final Logger log = LoggerFactory.getLogger(StepFence.class);

    private final JdbcClient jdbc;
    private final String workerId;
    private final boolean sharedDatabase;
    private final Counter fenced;

    private StepFence(JdbcClient jdbc, String workerId, boolean sharedDatabase, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.workerId = workerId;
        this.sharedDatabase = sharedDatabase;
        this.fenced = meters == null ? null : OutboxMeters.fenced(meters);
    }

    /** One worker alone on its database: every step is written. */
    public static StepFence none() {
        return new StepFence(null, null, false, null);
    }

    /** Several workers on one database: a step is written only under its number's lease. */
    public static StepFence onSharedDatabase(JdbcClient jdbc, String workerId, MeterRegistry meters) {
        return new StepFence(jdbc, workerId, true, meters);
    }

    /**
     * The steps that may be written, in their order; to be asked in their transaction. The lease rows are checked
     * (and locked) in number order, so that two transactions locking several of them never wait for each other in a
     * circle. A step refused leaves the others of its transaction alone.
     */
    List<StepRecord> admitted(List<StepRecord> steps) {
        if (!sharedDatabase) {
            return steps;
        }
        Set<Long> refused = steps.stream().sorted(Comparator.comparingLong(StepRecord::numberId))
                .filter(step -> !admits(step)).map(StepRecord::numberId).collect(Collectors.toSet());
        return refused.isEmpty() ? steps : steps.stream().filter(step -> !refused.contains(step.numberId())).toList();
    }

    /**
     * Whether the step may be written; to be asked in the step's transaction. A step refused is logged and its
     * events counted as fenced: the number's new owner goes on with the validation from its own record.
     */
    private boolean admits(StepRecord step) {
        if (!sharedDatabase || holdsOrNobodyDoes(step.numberId())) {
            return true;
        }
        fenced.increment(step.events().size());
        log.warn("Not recording a step of number {} ({} event(s)): another worker holds its lease now, this worker "
                + "lost it", step.numberId(), step.events().size());
        return false;
    }

    private boolean holdsOrNobodyDoes(long numberId) {
        int held = jdbc.sql("UPDATE number_lease SET owner_id = owner_id WHERE number_id = ? AND owner_id = ?")
                .params(numberId, workerId).update();
        return held == 1 || jdbc.sql("SELECT COUNT(*) FROM number_lease WHERE number_id = ?").param(numberId)
                .query(Long.class).single() == 0;
    }
}
