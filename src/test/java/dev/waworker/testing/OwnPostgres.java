package dev.waworker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own on this machine (its own data directory and port, {@code initdb} and
 * {@code pg_ctl} of the installed PostgreSQL), so that the test can really stop the database and start it again
 * without disturbing the shared one on port 5432 the other tests use. Trust authentication on 127.0.0.1 only,
 * role {@link #USER}. Run as {@code postgres} when the test runs as root (PostgreSQL refuses root), else as the
 * test's own user.
 */
public final class OwnPostgres implements AutoCloseable {

    public static final String USER = "waworker";
    private static final Path INSTALLED = Path.of("/usr/lib/postgresql");
    private static final Duration PG_CTL_WAIT = Duration.ofSeconds(60);

    public final int port = LocalMachine.freePort();
    private final Path dir;
    private final Path data;
    private final Path bin = binaries();
    private final boolean asRoot = "root".equals(System.getProperty("user.name"));

    public OwnPostgres() {
        try {
            dir = Files.createTempDirectory("own-postgres-");
            data = dir.resolve("data");
            if (asRoot) {
                // initdb creates the data directory as the user it runs as, which must be able to reach it.
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the cluster and starts it; returns when it accepts connections. */
    public OwnPostgres start() {
        // Also when the test never gets to close it (its worker failed to start, say): no server left running.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(this::close));
        // --no-sync: a throw-away cluster need not survive a power cut, and initdb is much faster without.
        pg("initdb", "-D", data.toString(), "-U", USER, "--auth=trust", "--no-sync", "-E", "UTF8");
        return startAgain();
    }

    /** Stops the server as an operator's {@code pg_ctlcluster ... stop} does (fast: connections are cut). */
    public void stop() {
        pg("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    /** Starts the stopped server again, on the same port; returns when it accepts connections. */
    public OwnPostgres startAgain() {
        pg("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return this;
    }

    /** How a worker reaches it: {@code spring.datasource.*}, on the cluster's {@code postgres} database. */
    public Map<String, Object> workerProperties() {
        return Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "spring.datasource.username", USER, "spring.datasource.password", "");
    }

    @Override
    public synchronized void close() {
        if (!Files.exists(dir)) {
            return;
        }
        run(command("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        LocalMachine.deleteTree(dir);
    }

    private void pg(String program, String... arguments) {
        int exit = run(command(program, arguments));
        if (exit != 0) {
            throw new IllegalStateException(program + " " + String.join(" ", arguments) + " exited with " + exit
                    + "; see " + dir.resolve("pg.out"));
        }
    }

    private List<String> command(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private int run(List<String> command) {
        return LocalMachine.run(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pg.out").toFile())), PG_CTL_WAIT);
    }

    /** The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/VERSION/bin). */
    private static Path binaries() {
        try (Stream<Path> versions = Files.list(INSTALLED)) {
            return versions.filter(version -> Files.isExecutable(version.resolve("bin/initdb")))
                    .max(Comparator.comparing(version -> Integer.parseInt(version.getFileName().toString())))
                    .map(version -> version.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no initdb under " + INSTALLED
                            + " (scripts/test.sh installs PostgreSQL)"));
        } catch (IOException e) {
            throw new UncheckedIOException("no PostgreSQL under " + INSTALLED + " (scripts/test.sh installs it)", e);
        }
    }
}
