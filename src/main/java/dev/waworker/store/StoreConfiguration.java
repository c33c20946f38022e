package dev.waworker.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.waworker.config.ConditionalOnSharedDatabase;
import dev.waworker.config.SharedDatabase;
import dev.waworker.config.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The worker's database: PostgreSQL (or any database Flyway and Spring Boot know) when {@code spring.datasource.url}
 * is set, else the embedded SQLite file {@code <worker.data-dir>/worker.db}. Flyway applies
 * {@code db/migration} at start-up either way.
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

    static final String SQLITE_FILE = "worker.db";

    /**
     * SQLite: one connection, so that writers queue in the pool instead of failing with {@code SQLITE_BUSY}; WAL
     * so that a commit costs one append, {@code synchronous=NORMAL} since a process crash (not a power cut) is
     * what the outbox must survive, and WAL keeps every commit through that.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
    DataSource embeddedDataSource(WorkerProperties worker) {
        Path file = worker.dataDir().resolve(SQLITE_FILE).toAbsolutePath();
        // Owner only (0700, 0600): worker.db keeps QR images, credentials, while they wait in the outbox.
        OwnerOnlyFiles.directory(file.getParent());
        OwnerOnlyFiles.file(file, "-wal", "-shm");
        HikariConfig config = new HikariConfig();
        config.setPoolName("worker-db");
        config.setJdbcUrl(sqliteUrl(file));
        config.setMaximumPoolSize(1);
        return new HikariDataSource(config);
    }

    static String sqliteUrl(Path file) {
        return "jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=10000";
    }

    /** The relay's reads of the outbox: a connection of their own on the SQLite file (see the class). */
    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    OutboxReadConnection outboxReadConnection(JdbcClient jdbc, WorkerProperties worker,
            DataSourceProperties dataSource) {
        boolean embedded = dataSource.getUrl() == null || dataSource.getUrl().isEmpty();
        return embedded ? OutboxReadConnection.ownOn(worker.dataDir().resolve(SQLITE_FILE).toAbsolutePath())
                : OutboxReadConnection.sharing(jdbc);
    }

    /**
     * Whether the store can make commands durable now: the database answers, and for the embedded SQLite file its
     * directory is writable with room left.
     */
    @Bean
    StoreProbe storeProbe(JdbcClient jdbc, WorkerProperties worker, DataSourceProperties dataSource) {
        boolean embedded = dataSource.getUrl() == null || dataSource.getUrl().isEmpty();
        return new StoreProbe(jdbc, embedded ? Optional.of(worker.dataDir().toAbsolutePath()) : Optional.empty());
    }

    /** Only with PostgreSQL: the embedded SQLite file is one worker's alone. */
    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnSharedDatabase
    SharedDatabase sharedDatabase(JdbcClient jdbc, DataSourceProperties dataSource) {
        return new SharedDatabase(jdbc, SharedDatabase.goDsn(dataSource.getUrl(), dataSource.getUsername(),
                dataSource.getPassword()));
    }

    /** Shared by the journal, which raises it after each write, and the reader, whose relay waits on it. */
    @Bean
    OutboxSignal outboxSignal() {
        return new OutboxSignal();
    }

    /** Shared by the journal and the transfers into this worker's outbox: one order for both. */
    @Bean
    OutboxSequence outboxSequence(JdbcClient jdbc, WorkerProperties worker) {
        return new OutboxSequence(jdbc, worker.id());
    }

    /** The session layer's journal, and the sink of events no session step stands behind. */
    @Bean
    @DependsOnDatabaseInitialization
    OutboxJournal outboxJournal(JdbcClient jdbc, TransactionTemplate transactions, WorkerProperties worker,
            EventEncoder encoder, Clock clock, OutboxSignal outboxSignal, OutboxSequence outboxSequence,
            ObjectProvider<SharedDatabase> sharedDatabase, MeterRegistry meters) {
        StepFence fence = sharedDatabase.getIfAvailable() == null ? StepFence.none()
                : StepFence.onSharedDatabase(jdbc, worker.id(), meters);
        return new OutboxJournal(jdbc, transactions, worker.id(), encoder, clock, outboxSignal, outboxSequence, fence);
    }

    /** Only with PostgreSQL: events change outbox when a number changes owner or a worker falls silent. */
    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnSharedDatabase
    OutboxTransfer outboxTransfer(JdbcClient jdbc, WorkerProperties worker, OutboxSequence outboxSequence,
            OutboxSignal outboxSignal) {
        return new OutboxTransfer(jdbc, worker.id(), outboxSequence, outboxSignal);
    }

    /** What the relay reads: this worker's owed events, the QRs nobody can scan any more left out. */
    @Bean
    @DependsOnDatabaseInitialization
    OutboxReader outboxReader(JdbcClient jdbc, OutboxReadConnection reads, WorkerProperties worker,
            OutboxSignal outboxSignal, Clock clock, MeterRegistry meters) {
        return new StaleQrPruning(new JdbcOutboxReader(reads.jdbc(), jdbc, worker.id(), outboxSignal), jdbc, clock,
                meters);
    }

    @Bean
    @DependsOnDatabaseInitialization
    ValidationRecords validationRecords(JdbcClient jdbc, WorkerProperties worker) {
        return new ValidationRecords(jdbc, worker.id());
    }
}
