package dev.waworker.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged worker ({@code target/whatsapp-worker.jar}) as a process of its own, started with the test's JDK:
 * waited for until healthy, measured from {@code /proc}, stopped with SIGTERM or killed with SIGKILL. Its output
 * goes to {@code worker-<n>.log} in its data directory, one file per start.
 */
public final class WorkerProcess implements AutoCloseable {

    /** Where the Maven build puts the packaged worker. */
    public static final Path JAR = Path.of("target", "whatsapp-worker.jar");
    /** JVM options for a fleet of workers on one small machine (quick start-up): little heap, C1 only. */
    public static final List<String> SMALL_JVM = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED");

    private final int httpPort = freePort();
    private final Path log;
    private final Process process;

    /** Starts {@code jar} on {@code dataDir} with {@code arguments} ({@code --key=value}) and a free HTTP port. */
    public WorkerProcess(Path jar, Path dataDir, List<String> arguments) throws IOException {
        this(jar, dataDir, List.of(), arguments);
    }

    /** The same, with options for the worker's JVM (such as {@code -Xmx384m}). */
    public WorkerProcess(Path jar, Path dataDir, List<String> jvmOptions, List<String> arguments) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(); // the harness's own JDK
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + httpPort, "--worker.data-dir=" + dataDir));
        command.addAll(arguments);
        Files.createDirectories(dataDir);
        try (var logs = Files.list(dataDir)) {
            log = dataDir.resolve("worker-" + logs.filter(file -> file.getFileName().toString()
                    .startsWith("worker-")).count() + ".log");
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public void awaitHealthy() {
        awaitHealthy(Duration.ofSeconds(90));
    }

    /** Waits at most {@code atMost} for the health endpoint to say UP (a benchmark's start on a loaded machine). */
    public void awaitHealthy(Duration atMost) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        // Fails at once when the process exits (ignoreExceptions would otherwise wait the time out).
        await().atMost(atMost).pollInterval(Duration.ofMillis(250))
                .failFast("the worker exited; see " + log, () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\""));
    }

    /** The body of {@code path} on the worker's HTTP port (actuator endpoints). */
    public String get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** POSTs {@code json} to {@code path} on the worker's HTTP port (the simulator's phone); returns the status. */
    public int post(String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The operating system's process id, for a script that must be able to stop the worker should we die. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash or the OOM killer would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Where this start's output goes. */
    public Path log() {
        return log;
    }

    /** The CPU time the process has used so far, user and system (from {@code /proc/<pid>/stat}, 10 ms ticks). */
    public Duration cpuTime() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Duration.ofMillis((Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10);
    }

    /** A field of {@code /proc/<pid>/status} in KiB: {@code VmRSS} now, {@code VmHWM} the peak. */
    public long residentKb(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElse(-1);
    }

    /** SIGTERM, then SIGKILL if it has not stopped within 40 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
