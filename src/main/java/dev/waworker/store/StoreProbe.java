package dev.waworker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

/**
 * Whether the store can make a command durable now: the database answers and, for the embedded SQLite file, its
 * directory is writable with room left. Asked every second while the worker runs (see the intake's watch), so that
 * an outage stops the intake even when no command happens to fail on it.
 */
public final class StoreProbe {

    /**
     * Below this, SQLite cannot be trusted to append the next transactions (the write-ahead log grows by pages):
     * the directory counts as full before a write fails on it.
     */
    static final DataSize MIN_FREE_SPACE = DataSize.ofMegabytes(1);

    private final JdbcClient jdbc;
    private final Optional<Path> dataDir;

    /** @param dataDir the embedded database's directory; empty for a database server */
    public StoreProbe(JdbcClient jdbc, Optional<Path> dataDir) {
        this.jdbc = jdbc;
        this.dataDir = dataDir;
    }

    /** Why the store cannot make a command durable now; empty when it can. */
    public Optional<String> problem() {
        Optional<String> disk = dataDir.flatMap(StoreProbe::diskProblem);
        if (disk.isPresent()) {
            return disk;
        }
        try {
            jdbc.sql("SELECT 1").query(Integer.class).single();
            return Optional.empty();
        } catch (RuntimeException e) {
            if (!StoreFailures.isStoreUnavailable(e)) {
                throw e;
            }
            return Optional.of("the database cannot be used: " + rootCause(e));
        }
    }

    private static Optional<String> diskProblem(Path dir) {
        if (!Files.isWritable(dir)) {
            return Optional.of("the data directory " + dir + " is not writable");
        }
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            return free < MIN_FREE_SPACE.toBytes()
                    ? Optional.of("the data directory " + dir + " is full (" + free + " bytes free, less than "
                            + MIN_FREE_SPACE + ")")
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.of("the data directory " + dir + " cannot be read: " + e);
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
