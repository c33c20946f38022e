package dev.waworker.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A RabbitMQ node of a test's own on this machine (its own node name, ports and data directory), so that the test
 * can really stop the broker ({@code rabbitmqctl stop_app}) without disturbing the shared one the other tests use.
 * Uses the installed RabbitMQ's scripts directly ({@code /usr/lib/rabbitmq/bin}, else those on the PATH), so that
 * the node runs as the test's own user with that user's Erlang cookie: Debian's wrappers on the PATH refuse any
 * user but root and {@code rabbitmq}, and a CI job is neither.
 */
public final class OwnRabbitNode implements AutoCloseable {

    public final String name = "worker-test-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    public final int port = LocalMachine.freePort();
    private final int distributionPort = LocalMachine.freePort();
    private static final Path INSTALLED = Path.of("/usr/lib/rabbitmq/bin");

    private final Path dir;

    public OwnRabbitNode() {
        try {
            // Open to all: where the scripts switch to the broker's own user, that user writes here.
            dir = Files.createTempDirectory("rabbit-node-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxrwxrwx")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path plugins = Files.writeString(dir.resolve("enabled_plugins"), "[].");
            Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the node and waits until it serves AMQP. */
    public OwnRabbitNode start() {
        ProcessBuilder server = new ProcessBuilder(script("rabbitmq-server"), "-detached").redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.out").toFile());
        Map<String, String> env = server.environment();
        env.put("RABBITMQ_NODENAME", name);
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distributionPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        LocalMachine.run(server, Duration.ofSeconds(30));
        // -detached returns before the node is reachable: ask until it answers.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> ctl("await_startup", "--timeout", "10") == 0);
        return this;
    }

    /** Stops the broker application: connections are closed, new ones refused; the node itself stays. */
    public void stopApp() {
        if (ctl("stop_app") != 0) {
            throw new IllegalStateException("rabbitmqctl stop_app failed on " + name);
        }
    }

    /** Starts the broker application again (retried: the listener may take a moment to be free to bind). */
    public void startApp() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ctl("start_app") == 0);
    }

    @Override
    public void close() {
        ctl("stop");
    }

    private int ctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(script("rabbitmqctl"), "-n", name));
        command.addAll(List.of(arguments));
        return LocalMachine.run(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("ctl.out").toFile())),
                Duration.ofSeconds(60));
    }

    private static String script(String name) {
        Path installed = INSTALLED.resolve(name);
        return Files.isExecutable(installed) ? installed.toString() : name;
    }
}
