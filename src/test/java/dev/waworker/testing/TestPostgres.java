package dev.waworker.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * The real PostgreSQL the tests use (started by scripts/test.sh, see scripts/lib/postgresql.sh): localhost:5432,
 * role and password {@code waworker}, or {@code WAW_PG_HOST}, {@code WAW_PG_PORT}, {@code WAW_PG_USER} and
 * {@code WAW_PG_PASSWORD}. Each test class gets a fresh database of its own, created here and dropped at its end.
 */
public final class TestPostgres {

    private static final String HOST = setting("WAW_PG_HOST", "localhost");
    private static final String PORT = setting("WAW_PG_PORT", "5432");
    public static final String USER = setting("WAW_PG_USER", "waworker");
    public static final String PASSWORD = setting("WAW_PG_PASSWORD", "waworker");

    private TestPostgres() {
    }

    /** A database of its own, named after {@code purpose}. */
    public record Database(String name) {

        public String url() {
            return urlOf(name);
        }

        /** The same database through another address (a {@link TcpProxy} on {@code 127.0.0.1:port}). */
        public String urlThrough(int port) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
        }

        /** How a worker reaches it: {@code spring.datasource.*}. */
        public Map<String, Object> workerProperties() {
            return Map.of("spring.datasource.url", url(), "spring.datasource.username", USER,
                    "spring.datasource.password", PASSWORD);
        }

        public void drop() {
            // FORCE: a killed worker's connections may linger for a moment.
            administer("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    public static String host() {
        return HOST;
    }

    public static int port() {
        return Integer.parseInt(PORT);
    }

    public static Database freshDatabase(String purpose) {
        Database database = new Database("test_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8));
        administer("CREATE DATABASE " + database.name());
        return database;
    }

    private static void administer(String statement) {
        try (Connection connection = DriverManager.getConnection(urlOf(USER), USER, PASSWORD);
                Statement sql = connection.createStatement()) {
            sql.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " (run scripts/test.sh, which "
                    + "starts it): " + statement + " failed", e);
        }
    }

    private static String urlOf(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    private static String setting(String variable, String otherwise) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
