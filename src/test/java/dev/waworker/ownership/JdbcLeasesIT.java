package dev.waworker.ownership;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.testing.MigratedDatabase;
import dev.waworker.testing.TestPostgres;

/** The lease rules on the real PostgreSQL, in a fresh database of this class. */
class JdbcLeasesIT extends LeaseRulesContract {

    private static final TestPostgres.Database DATABASE = TestPostgres.freshDatabase("leases");
    private static final MigratedDatabase MIGRATED = MigratedDatabase.on(DATABASE);

    @Override
    JdbcClient jdbc() {
        return MIGRATED.jdbc();
    }

    /** Every test starts from empty tables: the numbers and worker ids repeat between tests. */
    @BeforeEach
    void emptyTables() {
        MIGRATED.jdbc().sql("DELETE FROM number_lease").update();
        MIGRATED.jdbc().sql("DELETE FROM worker_registry").update();
    }

    @AfterAll
    static void dropDatabase() {
        MIGRATED.close();
        DATABASE.drop();
    }
}
