package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.waworker.testing.WorkerHttp;

/**
 * Pairing end to end: the backend asks for a validation, a phone scans the QR (or types the pairing code) through
 * the simulator's HTTP endpoints, and the backend hears {@code connected}; then the contract's commands on a
 * connected session.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.simulator.first-qr-ttl=10s",
        "whatsapp.simulator.next-qr-ttl=10s"})
@DirtiesContext
class PairingIT extends WorkerTestBase {

    @LocalServerPort
    private int port;

    @Test
    void aScannedQrConnectsTheNumber() throws Exception {
        backend.sendCommand("create", 701, "+221771234567");
        backend.awaitEvent(701, "qr_generated");

        assertThat(scan(701).statusCode()).isEqualTo(200);

        BackendProbe.Event connected = backend.awaitEvent(701, "connected");
        assertThat(connected.json())
                .containsEntry("sessionId", "session_701_+221771234567")
                .containsEntry("phoneNumber", "+221771234567")
                .doesNotContainKey("message");
        assertThat((String) connected.get("jid")).startsWith("221771234567");
    }

    @Test
    void aPairingCodeTypedOnThePhoneConnectsTheNumber() throws Exception {
        backend.sendJson(worker.commandQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":704,"
                + "\"phoneNumber\":\"+221771234570\",\"pairingMethod\":\"code\"},\"timestamp\":"
                + System.currentTimeMillis() + "}");

        BackendProbe.Event pairingCode = backend.awaitEvent(704, "pairing_code");
        assertThat(pairingCode.json()).containsEntry("sessionId", "session_704_+221771234570")
                .containsKeys("eventId", "workerId", "timestamp").doesNotContainKey("qrCode");
        String code = (String) pairingCode.get("code");
        assertThat(code).matches("[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}");
        long expiresIn = ((Number) pairingCode.get("expiresAt")).longValue()
                - ((Number) pairingCode.get("timestamp")).longValue();
        assertThat(expiresIn).as("the simulator's default pairing-code-ttl, 160 s").isBetween(159_000L, 160_000L);
        assertThat(pairingCode.properties().getType()).isEqualTo("pairing_code");

        HttpResponse<String> entered = enterCode(704, code);
        assertThat(entered.statusCode()).as(entered.body()).isEqualTo(200);

        BackendProbe.Event connected = backend.awaitEvent(704, "connected");
        assertThat(connected.json()).containsEntry("phoneNumber", "+221771234570");
        assertThat(backend.eventsFor(704)).extracting(BackendProbe.Event::action)
                .as("no QR is shown to a number pairing by code").containsExactly("pairing_code", "connected");
    }

    @Test
    void regenerateQrOnAConnectedSessionAnswersConnectedWithTheMessage() throws Exception {
        connect(702, "+221771234568");

        String commandId = backend.sendCommand("regenerate_qr", 702, "+221771234568");

        BackendProbe.Event answer = backend.awaitEvents(702, 3).get(2);
        assertThat(answer.json())
                .containsEntry("action", "connected")
                .containsEntry("message", "Session already connected. No QR needed.");
        assertThat(answer.properties().getCorrelationId()).isEqualTo(commandId);
    }

    @Test
    void closeDisconnectsTheNumber() throws Exception {
        connect(703, "+221771234569");

        backend.sendCommand("close", 703, "+221771234569");

        assertThat(backend.awaitEvent(703, "disconnected").json()).containsEntry("reason", "closed by backend");
    }

    private void connect(long numberId, String phoneNumber) throws Exception {
        backend.sendCommand("create", numberId, phoneNumber);
        backend.awaitEvent(numberId, "qr_generated");
        assertThat(scan(numberId).statusCode()).isEqualTo(200);
        backend.awaitEvent(numberId, "connected");
    }

    private HttpResponse<String> scan(long numberId) throws Exception {
        return WorkerHttp.post(port, "/simulator/sessions/" + numberId + "/scan");
    }

    private HttpResponse<String> enterCode(long numberId, String code) throws Exception {
        return WorkerHttp.postJson(port, "/simulator/sessions/" + numberId + "/code", "{\"code\": \"" + code + "\"}");
    }
}
