package dev.waworker.amqp;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged worker ({@code target/whatsapp-worker.jar}, built by {@code package} before the integration tests)
 * as a process of its own, started with the test's JDK and the settings of a {@link TestWorker} plus extra ones,
 * so that it can be killed with SIGKILL and started again on the same data.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Pattern COUNT = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)");
    static final Path JAR = Path.of("target", "whatsapp-worker.jar");

    private final TestWorker identity;
    private final List<String> arguments;
    private final int port = freePort();
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;
    private int starts;

    WorkerProcess(TestWorker identity, Map<String, Object> extraSettings) {
        this.identity = identity;
        this.arguments = new ArrayList<>();
        identity.properties().forEach((key, value) -> arguments.add("--" + key + "=" + value));
        extraSettings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.add("--server.port=" + port);
    }

    String id() {
        return identity.id();
    }

    /** Starts the process (again, after {@link #kill}); its output goes to {@code worker-<n>.log} in its data dir. */
    WorkerProcess start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString()));
        command.addAll(arguments);
        Path log = identity.dataDir().resolve("worker-" + (++starts) + ".log");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + JAR, e);
        }
        return this;
    }

    void awaitHealthy() {
        HttpRequest health = HttpRequest.newBuilder(url("/actuator/health")).timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker " + id() + " exited; see its log in " + identity.dataDir());
            }
            return http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"");
        });
    }

    /** The simulated phone scans the number's live QR on this worker. */
    int scan(long numberId, String phoneNumber) throws IOException, InterruptedException {
        HttpRequest scan = HttpRequest.newBuilder(url("/simulator/sessions/" + numberId + "/scan"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"phoneNumber\":\"" + phoneNumber + "\"}")).build();
        return http.send(scan, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The value of a counter on {@code /actuator/metrics}, with the given tag ({@code key:value}); 0 when absent. */
    double counter(String name, String tag) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/actuator/metrics/" + name + "?tag="
                + tag)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return 0;
        }
        Matcher value = COUNT.matcher(response.body());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /** SIGKILL: no shutdown hook runs, nothing is released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
