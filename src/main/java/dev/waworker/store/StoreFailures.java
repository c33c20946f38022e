package dev.waworker.store;

import java.io.IOException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Tells a failure of the store itself (the database unreachable, its disk full or read-only) from a failure of what
 * was written: the first goes away when the store comes back and is waited out, the second would fail again. Read
 * from the exceptions' types and SQLite's result codes along the cause chain, never from their messages.
 */
public final class StoreFailures {

    /** SQLite's primary result codes of a file it cannot write (extended codes such as IOERR_WRITE share them). */
    private static final Set<Integer> SQLITE_STORAGE_CODES = Set.of(SQLiteErrorCode.SQLITE_FULL.code,
            SQLiteErrorCode.SQLITE_READONLY.code, SQLiteErrorCode.SQLITE_IOERR.code,
            SQLiteErrorCode.SQLITE_CANTOPEN.code);
    /** SQLite's primary result code is the low byte of its extended one. */
    private static final int PRIMARY_CODE_MASK = 0xff;

    private StoreFailures() {
    }

    /** Whether {@code failure}, or one of its causes, says the store cannot be used now (not: the data is wrong). */
    public static boolean isStoreUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (isUnavailability(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnavailability(Throwable cause) {
        return switch (cause) {
            case SQLiteException sqlite ->
                    SQLITE_STORAGE_CODES.contains(sqlite.getResultCode().code & PRIMARY_CODE_MASK);
            // Spring's translation of a lost connection, a pool that hands out none, a timeout, a failover.
            case DataAccessResourceFailureException ignored -> true;
            case TransientDataAccessException ignored -> true;
            case RecoverableDataAccessException ignored -> true;
            case CannotCreateTransactionException ignored -> true;
            // The drivers' own: PostgreSQL's "connection refused" is an SQLNonTransientConnectionException (08001).
            case SQLTransientException ignored -> true;
            case SQLRecoverableException ignored -> true;
            case SQLNonTransientConnectionException ignored -> true;
            case IOException ignored -> true;
            default -> false;
        };
    }
}
