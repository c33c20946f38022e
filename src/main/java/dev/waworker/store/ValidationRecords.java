package dev.waworker.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.session.PairingMethod;
import dev.waworker.session.SessionState;
import dev.waworker.session.ValidationRecord;

/**
 * Reads the {@code validation} table for whoever takes sessions up again: this worker's own records after a
 * restart, the records other workers left behind for a take-over. (Writing them is the journal's job: a record is
 * only ever written together with the events of its step.)
 */
public final class ValidationRecords {

    private final JdbcClient jdbc;
    private final String workerId;

    public ValidationRecords(JdbcClient jdbc, String workerId) {
        this.jdbc = jdbc;
        this.workerId = workerId;
    }

    /** The records of the sessions that were live when the worker last stopped (or crashed). */
    public List<ValidationRecord> validations() {
        return jdbc.sql(SELECT_VALIDATIONS + " WHERE worker_id = ? ORDER BY number_id").param(workerId)
                .query((row, index) -> validation(row)).list();
    }

    /**
     * What a take-over may take up: every worker's records, one per number, this worker's own first. Its own are
     * there when it dropped its sessions for lack of a lease (the database was away): it takes them back.
     */
    public List<ValidationRecord> validationsToTakeUp() {
        Map<Long, ValidationRecord> byNumber = new LinkedHashMap<>();
        jdbc.sql(SELECT_VALIDATIONS + " ORDER BY CASE WHEN worker_id = ? THEN 0 ELSE 1 END, number_id")
                .param(workerId).query((row, index) -> validation(row)).list()
                .forEach(record -> byNumber.putIfAbsent(record.numberId(), record));
        return List.copyOf(byNumber.values());
    }

    /** Deletes the other workers' records of a number this worker took over: they must not take it up again. */
    public void forgetValidationsOfOthers(long numberId) {
        jdbc.sql("DELETE FROM validation WHERE worker_id <> ? AND number_id = ?").params(workerId, numberId).update();
    }

    private static final String SELECT_VALIDATIONS = """
            SELECT number_id, phone_number, pairing_method, correlation_id, state, attempt, qr_index, started_at
            FROM validation""";

    private static ValidationRecord validation(ResultSet row) throws SQLException {
        long startedAt = row.getLong("started_at");
        Optional<Instant> started = row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(startedAt));
        return new ValidationRecord(row.getLong("number_id"), row.getString("phone_number"),
                PairingMethod.valueOf(row.getString("pairing_method")),
                Optional.ofNullable(row.getString("correlation_id")), SessionState.valueOf(row.getString("state")),
                row.getInt("attempt"), row.getInt("qr_index"), started);
    }

}
