package dev.waworker.ownership;

import org.junit.jupiter.api.AfterEach;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.testing.MigratedDatabase;

/** The lease rules on SQLite, in memory: quick, and the migration stays portable. */
class JdbcLeasesTest extends LeaseRulesContract {

    private final MigratedDatabase database = MigratedDatabase.sqliteInMemory();

    @Override
    JdbcClient jdbc() {
        return database.jdbc();
    }

    @AfterEach
    void close() {
        database.close();
    }
}
