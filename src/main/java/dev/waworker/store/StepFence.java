package dev.waworker.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
     * and locked for all the steps at once (one statement, whatever their number, and a second one only when some
     * lease is not this worker's): a round trip per step would make the journal's writer wait for the database
     * most of its time. The rows are read by number, their key. A step refused leaves the others of its
     * transaction alone.
     *
     * <p>Two transactions locking several lease rows could wait for each other in a circle; PostgreSQL then ends one
     * of them (deadlock detected), which the journal takes as a passing failure of the store and writes again
     * ({@link OutageRetry}). The rows are locked in number order where the database reads them by key, which makes
     * that rare.
     */
    List<StepRecord> admitted(List<StepRecord> steps) {
        if (!sharedDatabase || steps.isEmpty()) {
            return steps;
        }
        List<Long> numbers = steps.stream().map(StepRecord::numberId).distinct().sorted().toList();
        Set<Long> held = new HashSet<>();
        Set<Long> leased = new HashSet<>();
        for (List<Long> chunk : MultiRowStatement.chunks(numbers, MultiRowStatement.MAX_PARAMETERS)) {
            String in = "number_id IN (" + MultiRowStatement.placeholders(chunk.size()) + ")";
            List<Object> ours = new ArrayList<>(chunk.size() + 1);
            ours.addAll(chunk);
            ours.add(workerId);
            // An update that changes nothing: it locks the rows until the step's transaction ends.
            held.addAll(jdbc.sql("UPDATE number_lease SET owner_id = owner_id WHERE " + in + " AND owner_id = ?"
                    + " RETURNING number_id").params(ours).query(Long.class).list());
            List<Long> others = chunk.stream().filter(number -> !held.contains(number)).toList();
            if (!others.isEmpty()) {
                leased.addAll(jdbc.sql("SELECT number_id FROM number_lease WHERE number_id IN ("
                        + MultiRowStatement.placeholders(others.size()) + ")").params(others).query(Long.class).list());
            }
        }
        // Held by this worker, or by nobody (expired or released and not claimed since): written.
        List<StepRecord> refused = steps.stream()
                .filter(step -> !held.contains(step.numberId()) && leased.contains(step.numberId())).toList();
        refused.forEach(this::logRefusal);
        return refused.isEmpty() ? steps : steps.stream().filter(step -> !refused.contains(step)).toList();
    }

    /**
     * A step refused is logged and its events counted as fenced: the number's new owner goes on with the validation
     * from its own record.
     */
    private void logRefusal(StepRecord step) {
        fenced.increment(step.events().size());
        log.warn("Not recording a step of number {} ({} event(s)): another worker holds its lease now, this worker "
                + "lost it", step.numberId(), step.events().size());
    }
}
