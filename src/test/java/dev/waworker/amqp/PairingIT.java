package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pairing end to end: the backend asks for a validation, a phone scans the QR through the simulator's HTTP
 * endpoint, and the backend hears {@code connected}; then the contract's commands on a connected session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.simulator.first-qr-ttl=10s",
        "whatsapp.simulator.next-qr-ttl=10s"})
@DirtiesContext
class PairingIT {

    private static final TestWorker WORKER = TestWorker.unique("pairing");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WORKER.register(properties);
    }

    @AfterAll
    static void stopWorkerAndCleanUp(ApplicationContext worker) {
        BACKEND.stopWorkerAndCleanUp(worker);
    }

    @Test
    void aScannedQrConnectsTheNumber() throws Exception {
        BACKEND.sendCommand("create", 701, "+221771234567");
        BACKEND.awaitEvent(701, "qr_generated");

        assertThat(scan(701).statusCode()).isEqualTo(200);

        BackendProbe.Event connected = BACKEND.awaitEvent(701, "connected");
        assertThat(connected.json())
                .containsEntry("sessionId", "session_701_+221771234567")
                .containsEntry("phoneNumber", "+221771234567")
                .doesNotContainKey("message");
        assertThat((String) connected.get("jid")).startsWith("221771234567");
    }

    @Test
    void regenerateQrOnAConnectedSessionAnswersConnectedWithTheMessage() throws Exception {
        connect(702, "+221771234568");

        String commandId = BACKEND.sendCommand("regenerate_qr", 702, "+221771234568");

        BackendProbe.Event answer = BACKEND.awaitEvents(702, 3).get(2);
        assertThat(answer.json())
                .containsEntry("action", "connected")
                .containsEntry("message", "Session already connected. No QR needed.");
        assertThat(answer.properties().getCorrelationId()).isEqualTo(commandId);
    }

    @Test
    void closeDisconnectsTheNumber() throws Exception {
        connect(703, "+221771234569");

        BACKEND.sendCommand("close", 703, "+221771234569");

        assertThat(BACKEND.awaitEvent(703, "disconnected").json()).containsEntry("reason", "closed by backend");
    }

    private void connect(long numberId, String phoneNumber) throws Exception {
        BACKEND.sendCommand("create", numberId, phoneNumber);
        BACKEND.awaitEvent(numberId, "qr_generated");
        assertThat(scan(numberId).statusCode()).isEqualTo(200);
        BACKEND.awaitEvent(numberId, "connected");
    }

    private HttpResponse<String> scan(long numberId) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/simulator/sessions/" + numberId
                        + "/scan")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
