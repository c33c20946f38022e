package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which failures are the infrastructure's (waited out) and which the command's (dead-lettered): by type only. */
class InfrastructureFailuresTest {

    private static UncategorizedSQLException sqlite(SQLiteErrorCode code) {
        return new UncategorizedSQLException("insert", "INSERT INTO outbox ...", new SQLiteException("sqlite", code));
    }

    @Test
    void aDatabaseThatCannotBeReachedIsTheInfrastructures() {
        assertThat(InfrastructureFailures.isInfrastructure(new CannotGetJdbcConnectionException("no connection",
                new SQLTransientConnectionException("pool timed out")))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new CannotCreateTransactionException("no transaction",
                new SQLException("refused", "08001", new ConnectException("refused"))))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new CompletionException(
                new CannotGetJdbcConnectionException("wrapped by a future")))).isTrue();
    }

    @Test
    void sqliteFullReadOnlyOrFailingToWriteIsTheInfrastructures() {
        assertThat(InfrastructureFailures.isInfrastructure(sqlite(SQLiteErrorCode.SQLITE_FULL))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(sqlite(SQLiteErrorCode.SQLITE_READONLY))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(sqlite(SQLiteErrorCode.SQLITE_IOERR_WRITE))).isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(sqlite(SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)))
                .isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(sqlite(SQLiteErrorCode.SQLITE_ERROR))).isFalse();
    }

    @Test
    void aBrokerThatCannotBeReachedIsTheInfrastructures() {
        assertThat(InfrastructureFailures.isInfrastructure(new AmqpConnectException(new ConnectException("refused"))))
                .isTrue();
        assertThat(InfrastructureFailures.isInfrastructure(new IllegalStateException("closed",
                new IOException("broken pipe")))).isTrue();
    }

    @Test
    void whatTheCommandOrTheCodeGotWrongIsNot() {
        assertThat(InfrastructureFailures.isInfrastructure(new DuplicateKeyException("duplicate"))).isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(new DataIntegrityViolationException("too long")))
                .isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(new IllegalStateException("lane exploded"))).isFalse();
        assertThat(InfrastructureFailures.isInfrastructure(new PublishFailedException("returned: no route")))
                .isFalse();
    }
}
