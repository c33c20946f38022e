package dev.waworker.testing;

import java.time.Clock;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.waworker.store.OutboxJournal;
import dev.waworker.store.OutboxSequence;
import dev.waworker.store.OutboxSignal;
import dev.waworker.store.OutboxTransfer;
import dev.waworker.store.StepFence;
import dev.waworker.store.ValidationRecords;

/** A database with the worker's Flyway migrations applied, for tests of the JDBC classes without Spring Boot. */
public final class MigratedDatabase implements AutoCloseable {

    private final DataSource dataSource;
    private final JdbcClient jdbc;

    private MigratedDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** SQLite in memory, on one connection (every connection to {@code :memory:} is a database of its own). */
    public static MigratedDatabase sqliteInMemory() {
        return new MigratedDatabase(new SingleConnectionDataSource("jdbc:sqlite::memory:", true));
    }

    public static MigratedDatabase on(TestPostgres.Database database) {
        return new MigratedDatabase(new DriverManagerDataSource(database.url(), TestPostgres.USER,
                TestPostgres.PASSWORD));
    }

    public JdbcClient jdbc() {
        return jdbc;
    }

    /**
     * The journal of worker {@code workerId} in this database; events are written as
     * {@code {"action":...,"eventId":...}}.
     */
    public OutboxJournal journal(String workerId, Clock clock, OutboxSignal written) {
        return journal(workerId, clock, written, new OutboxSequence(jdbc, workerId), StepFence.none());
    }

    /**
     * The same, numbering its events from {@code sequence} (which an {@link #transfer} may share), its steps checked
     * by {@code fence}.
     */
    public OutboxJournal journal(String workerId, Clock clock, OutboxSignal written, OutboxSequence sequence,
            StepFence fence) {
        return new OutboxJournal(jdbc, transactions(), workerId,
                (event, eventId) -> "{\"action\":\"" + event.action() + "\",\"eventId\":\"" + eventId + "\"}", clock,
                written, sequence, fence);
    }

    /** Moves of owed events into the outbox of worker {@code workerId}. */
    public OutboxTransfer transfer(String workerId, OutboxSequence sequence, OutboxSignal written) {
        return new OutboxTransfer(jdbc, workerId, sequence, written);
    }

    /** Transactions on this database, for code that runs its statements in one. */
    public TransactionTemplate transactions() {
        return new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    /** The validation records of worker {@code workerId} (and of the others) in this database. */
    public ValidationRecords records(String workerId) {
        return new ValidationRecords(jdbc, workerId);
    }

    @Override
    public void close() {
        if (dataSource instanceof SingleConnectionDataSource single) {
            single.destroy();
        }
    }
}
