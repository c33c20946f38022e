package dev.waworker.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.session.ErrorCode;
import dev.waworker.session.NumberStatus;
import dev.waworker.session.PairingMethod;

/**
 * The {@code number_status} table: where each number stands, one row per number for the whole fleet, written by
 * the {@link OutboxJournal} within a step's transaction and read to answer {@code status} requests and resyncs.
 */
final class NumberStatusTable {

    private static final String SELECT = """
            SELECT number_id, session_id, state, since, pairing_method, attempt, qr_index, expires_at, jid,
                   linked_phone_number, code, reason
            FROM number_status""";

    private final JdbcClient jdbc;
    private final String workerId;

    NumberStatusTable(JdbcClient jdbc, String workerId) {
        this.jdbc = jdbc;
        this.workerId = workerId;
    }

    /** Records where the numbers stand now (the last writer wins: the number's owner); one number once. */
    void save(List<NumberStatus> statuses, Instant now) {
        MultiRowStatement.insert(jdbc, """
                        INSERT INTO number_status (number_id, worker_id, session_id, state, since, pairing_method,
                                                   attempt, qr_index, expires_at, jid, linked_phone_number, code,
                                                   reason, updated_at)""", 14, """
                        ON CONFLICT (number_id) DO UPDATE SET
                            worker_id = excluded.worker_id, session_id = excluded.session_id,
                            state = excluded.state, since = excluded.since,
                            pairing_method = excluded.pairing_method, attempt = excluded.attempt,
                            qr_index = excluded.qr_index, expires_at = excluded.expires_at, jid = excluded.jid,
                            linked_phone_number = excluded.linked_phone_number, code = excluded.code,
                            reason = excluded.reason, updated_at = excluded.updated_at""",
                statuses, status -> Arrays.asList(status.numberId(), workerId, status.sessionId(),
                        status.state().name(), status.since().map(Instant::toEpochMilli).orElse(null),
                        status.pairingMethod().map(PairingMethod::name).orElse(null), status.attempt(),
                        status.qrIndex(), status.expiresAt().map(Instant::toEpochMilli).orElse(null),
                        status.jid().orElse(null), status.linkedPhoneNumber().orElse(null),
                        status.code().map(ErrorCode::name).orElse(null), status.reason().orElse(null),
                        now.toEpochMilli()));
    }

    Optional<NumberStatus> find(long numberId) {
        return jdbc.sql(SELECT + " WHERE number_id = ?").param(numberId)
                .query((row, index) -> status(row)).optional();
    }

    /** Up to {@code limit} rows of the numbers above {@code afterNumberId}, in number order (keyset paging). */
    List<NumberStatus> page(long afterNumberId, int limit) {
        return jdbc.sql(SELECT + " WHERE number_id > ? ORDER BY number_id LIMIT ?").params(afterNumberId, limit)
                .query((row, index) -> status(row)).list();
    }

    private static NumberStatus status(ResultSet row) throws SQLException {
        return new NumberStatus(row.getLong("number_id"), row.getString("session_id"),
                NumberStatus.State.valueOf(row.getString("state")), instant(row, "since"),
                Optional.ofNullable(row.getString("pairing_method")).map(PairingMethod::valueOf),
                row.getInt("attempt"), row.getInt("qr_index"), instant(row, "expires_at"),
                Optional.ofNullable(row.getString("jid")), Optional.ofNullable(row.getString("linked_phone_number")),
                Optional.ofNullable(row.getString("code")).map(ErrorCode::valueOf),
                Optional.ofNullable(row.getString("reason")));
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        long millis = row.getLong(column);
        return row.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
