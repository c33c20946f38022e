package dev.waworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** whatsmeow's device store defaults to the worker's PostgreSQL: the JDBC settings as lib/pq reads them. */
class SharedDatabaseTest {

    @Test
    void theJdbcUrlAndCredentialsBecomeAPostgresUrl() {
        assertThat(SharedDatabase.goDsn("jdbc:postgresql://db:5432/worker", "waw", "s3cret"))
                .isEqualTo("postgres://waw:s3cret@db:5432/worker?sslmode=disable");
    }

    @Test
    void credentialsAreEscapedAndTheSslModeKept() {
        assertThat(SharedDatabase.goDsn("jdbc:postgresql://db/worker?sslmode=verify-full&ApplicationName=x",
                "a user", "p@ss:w/rd"))
                .isEqualTo("postgres://a%20user:p%40ss%3Aw%2Frd@db/worker?sslmode=verify-full");
    }

    @Test
    void theJdbcDriversDefaultModeBecomesOneLibPqKnows() {
        assertThat(SharedDatabase.goDsn("jdbc:postgresql://db/worker?sslmode=prefer", null, null))
                .isEqualTo("postgres://db/worker?sslmode=disable");
    }

    @Test
    void anythingButAHostUrlIsRefused() {
        assertThatThrownBy(() -> SharedDatabase.goDsn("jdbc:postgresql:worker", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
