package dev.waworker.store;

import java.nio.file.Path;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Where the relay reads the outbox from. On the embedded SQLite file, a connection of its own: the worker's pool has
 * one connection, which every lane step's write holds in turn, and a relay queueing behind them for each look at
 * the outbox (measured: 25 to 400 ms a look during a burst of 500 creates) delays every event by as much. WAL lets
 * this connection read while the other one writes; it only reads. On PostgreSQL, the worker's pool, which has
 * connections enough.
 */
public final class OutboxReadConnection implements AutoCloseable {

    private final JdbcClient jdbc;
    private final Optional<HikariDataSource> own;

    private OutboxReadConnection(JdbcClient jdbc, Optional<HikariDataSource> own) {
        this.jdbc = jdbc;
        this.own = own;
    }

    /** A read connection of its own to the worker's SQLite file. */
    static OutboxReadConnection ownOn(Path file) {
        return ownOn(StoreConfiguration.sqliteUrl(file));
    }

    private static OutboxReadConnection ownOn(String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("worker-db-relay");
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        HikariDataSource pool = new HikariDataSource(config);
        return new OutboxReadConnection(JdbcClient.create(pool), Optional.of(pool));
    }

    /** The worker's own pool (a database with connections enough). */
    static OutboxReadConnection sharing(JdbcClient jdbc) {
        return new OutboxReadConnection(jdbc, Optional.empty());
    }

    JdbcClient jdbc() {
        return jdbc;
    }

    @Override
    public void close() {
        own.ifPresent(HikariDataSource::close);
    }
}
