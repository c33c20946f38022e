package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import com.zaxxer.hikari.HikariDataSource;

import dev.waworker.config.WorkerProperties;

/**
 * The embedded database's directory is 0700 and every file SQLite makes in it (the database, its WAL and shared
 * memory files) 0600, whatever the umask; files an older version left readable by others are tightened.
 */
class DataFileModesTest {

    @TempDir
    Path temp;

    @Test
    void aNewDataDirectoryAndEveryDatabaseFileInItAreTheOwnersAlone() throws Exception {
        Path dataDir = temp.resolve("fresh/data");

        writeThroughTheEmbeddedDatabase(dataDir);

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(filesIn(dataDir)).contains("worker.db");
        try (Stream<Path> files = Files.list(dataDir)) {
            assertThat(files).allSatisfy(file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
        }
    }

    @Test
    void filesAndTheDirectoryLeftOpenByAnOlderVersionAreTightened() throws Exception {
        Path dataDir = Files.createDirectories(temp.resolve("old"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path database = Files.createFile(dataDir.resolve("worker.db"));
        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));

        writeThroughTheEmbeddedDatabase(dataDir);

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(database)).isEqualTo("rw-------");
    }

    private static void writeThroughTheEmbeddedDatabase(Path dataDir) throws SQLException, IOException {
        DataSource dataSource = new StoreConfiguration().embeddedDataSource(new WorkerProperties("worker-1", dataDir,
                new WorkerProperties.Amqp("commands", "events", "commands.dlq", "commands.", 50,
                        Duration.ofSeconds(10), 3, DataSize.ofKilobytes(64)), 16));
        try (HikariDataSource pool = (HikariDataSource) dataSource;
                Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY)");
            statement.execute("INSERT INTO probe (id) VALUES (1)");
            // The WAL and shared-memory files exist while the connection is open: check them before it closes.
            assertThat(filesIn(dataDir)).contains("worker.db-wal", "worker.db-shm");
            try (Stream<Path> files = Files.list(dataDir)) {
                assertThat(files).allSatisfy(file -> assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
            }
        }
    }

    private static List<String> filesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
