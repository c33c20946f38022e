package dev.waworker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stand-in WhatsApp server (src/test/go/fakewa, built by Maven into {@code target/fakewa/fakewa}) as a child
 * process: started on a free loopback port, its ready line read for the address and root key, driven through its
 * control API, stopped on {@link #close()}.
 */
public final class StandInServer implements AutoCloseable {

    /** Where the Maven build puts the stand-in's binary. */
    public static final Path BINARY = Path.of("target", "fakewa", "fakewa");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final String address;
    private final String rootKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandInServer(Process process, String address, String rootKey) {
        this.process = process;
        this.address = address;
        this.rootKey = rootKey;
    }

    /** Starts a stand-in with the given extra flags (e.g. {@code --refs 2}) and waits for its ready line. */
    public static StandInServer start(String... flags) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: the Maven build makes it (./mvnw verify)");
        }
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--listen", "127.0.0.1:0"));
        command.addAll(List.of(flags));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            JsonNode ready = readyLine(process);
            return new StandInServer(process, ready.path("listen").asString(), ready.path("rootKey").asString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readyLine(Process process) {
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String ready = line.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (ready == null) {
                throw new IllegalStateException("the stand-in server exited before it was ready");
            }
            return JSON.readTree(ready);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while the stand-in server started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the stand-in server did not print its ready line", e);
        }
    }

    /** {@code host:port}, for {@code whatsapp.whatsmeow.test-server}. */
    public String address() {
        return address;
    }

    /** Base64 of its root public key, for {@code whatsapp.whatsmeow.test-server-root-key}. */
    public String rootKey() {
        return rootKey;
    }

    /** The worker's settings that point it at this server. */
    public Map<String, String> workerProperties() {
        return Map.of("whatsapp.whatsmeow.test-server", address,
                "whatsapp.whatsmeow.test-server-root-key", rootKey);
    }

    /** What the control API answered. */
    public record Answer(int status, JsonNode body) {
        public String text(String field) {
            return body.path(field).asString("");
        }
    }

    /** The phone of {@code phoneNumber} scans the QR whose text is {@code qr}. */
    public Answer scan(String qr, String phoneNumber) {
        return post("/control/scan", Map.of("qr", qr, "phoneNumber", phoneNumber));
    }

    /** The phone of {@code phoneNumber} types the pairing code. */
    public Answer enterCode(String code, String phoneNumber) {
        return post("/control/code", Map.of("code", code, "phoneNumber", phoneNumber));
    }

    /** The phone removes the linked device. */
    public Answer logout(String phoneNumber) {
        return post("/control/logout", Map.of("phoneNumber", phoneNumber));
    }

    /** The server drops the device's connection without a word. */
    public Answer drop(String phoneNumber) {
        return post("/control/drop", Map.of("phoneNumber", phoneNumber));
    }

    /** Sends a notification of that type to every connection still pairing. */
    public Answer notifyPairing(String type) {
        return post("/control/notify", Map.of("type", type));
    }

    /** Scripts the account: demand a passkey on its next scan. */
    public Answer demandPasskey(String phoneNumber) {
        return post("/control/accounts", Map.of("phoneNumber", phoneNumber, "passkey", true));
    }

    /** Refuses client versions below {@code minimum} (405) and advertises {@code latest} as WhatsApp Web's. */
    public Answer clientVersions(long minimum, long latest) {
        return send("PUT", "/control/client-version", Map.of("minimum", minimum, "latest", latest));
    }

    /** The linked devices the server knows, by phone number. */
    public List<JsonNode> devices() {
        Answer answer = send("GET", "/control/devices", null);
        List<JsonNode> devices = new ArrayList<>();
        answer.body().path("devices").forEach(devices::add);
        return devices;
    }

    private Answer post(String path, Map<String, ?> body) {
        return send("POST", path, body);
    }

    private Answer send(String method, String path, Map<String, ?> body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String text = response.body().isBlank() ? "{}" : response.body();
            return new Answer(response.statusCode(), JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
