package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.waworker.testing.AsyncApiContract;
import dev.waworker.testing.QrPng;
import dev.waworker.testing.WorkerHttp;

/**
 * {@code status} end to end (broker, listener, session layer, outbox, simulated WhatsApp): the backend asks where a
 * number stands while it pairs (and gets its live QR again, at no cost to its budget), once it is connected, after
 * {@code close}, after {@code QR_RETRIES_EXHAUSTED}, and for a number nobody knows. QRs live 3 s and one
 * regeneration is allowed, so that a whole validation gives up within seconds.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.simulator.first-qr-ttl=3s",
        "whatsapp.simulator.next-qr-ttl=3s",
        "whatsapp.qr.max-retries=1"})
class StatusIT extends WorkerTestBase {

    @LocalServerPort
    private int port;

    @Test
    void statusWhilePairingShowsTheLiveQrAndSpendsNoAttemptThenReportsTheFailure() {
        double asked = statusRequests();
        backend.sendCommand("create", 1601, "+221771601000");
        backend.awaitEvent(1601, "qr_generated");

        String statusId = askStatus(1601, "+221771601000");
        BackendProbe.Event status = backend.awaitEvent(1601, "status");
        backend.awaitEvent(1601, "error");

        List<BackendProbe.Event> events = backend.eventsFor(1601);
        assertThat(events.stream().filter(event -> !event.action().equals("status")).map(BackendProbe.Event::action))
                .as("the seed's timeline with one regeneration, as if nobody had asked")
                .containsExactly("qr_generated", "qr_regenerating", "qr_generated", "error");
        assertThat(events.stream().filter(event -> event.action().equals("qr_regenerating")).findFirst().orElseThrow()
                .json()).containsEntry("attempt", 1).containsEntry("maxAttempts", 1);
        // Whenever it was answered, it shows what was live then: the QR of the last qr_generated before it.
        BackendProbe.Event shown = events.subList(0, events.indexOf(status)).reversed().stream()
                .filter(event -> event.action().equals("qr_generated")).findFirst().orElseThrow();
        assertThat(status.json()).containsEntry("state", "pairing").containsEntry("pairingMethod", "qr")
                .containsEntry("sessionId", "session_1601_+221771601000")
                .containsEntry("qrIndex", shown.get("qrIndex")).containsEntry("expiresAt", shown.get("expiresAt"))
                .containsEntry("attempt", (Integer) shown.get("qrIndex") - 1).containsEntry("maxAttempts", 1)
                .doesNotContainKey("requestId");
        assertThat(QrPng.decode((String) status.get("qrCode"))).isEqualTo(QrPng.decode((String) shown.get("qrCode")))
                .startsWith("https://wa.me/settings/linked_devices#");
        assertThat(status.properties().getCorrelationId()).isEqualTo(statusId);

        askStatus(1601, null);
        BackendProbe.Event failed = awaitStatus(1601, 2);
        assertThat(failed.json()).containsEntry("state", "failed").containsEntry("code", "QR_RETRIES_EXHAUSTED")
                .containsEntry("error", "QR code generation failed after 1 attempts. Please request a new validation.")
                .containsEntry("since", backend.awaitEvent(1601, "error").get("timestamp"))
                .doesNotContainKeys("qrCode", "attempt");
        assertThat(statusRequests() - asked).as("worker.commands{action=status,outcome=handled}").isEqualTo(2);
    }

    @Test
    void statusOfAConnectedNumberNamesItsDeviceAndThenItsClose() throws Exception {
        backend.sendCommand("create", 1602, "+221771602000");
        backend.awaitEvent(1602, "qr_generated");
        assertThat(WorkerHttp.post(port, "/simulator/sessions/1602/scan").statusCode()).isEqualTo(200);
        BackendProbe.Event connected = backend.awaitEvent(1602, "connected");

        askStatus(1602, "+221771602000");
        BackendProbe.Event status = backend.awaitEvent(1602, "status");
        assertThat(status.json()).containsEntry("state", "connected").containsEntry("jid", connected.get("jid"))
                .containsEntry("phoneNumber", "+221771602000").doesNotContainKeys("qrCode", "attempt");
        assertThat(((Number) status.get("since")).longValue())
                .isLessThanOrEqualTo(((Number) connected.get("timestamp")).longValue());

        backend.sendCommand("close", 1602, "+221771602000");
        BackendProbe.Event closed = backend.awaitEvent(1602, "disconnected");
        askStatus(1602, "+221771602000");
        assertThat(awaitStatus(1602, 2).json()).containsEntry("state", "disconnected")
                .containsEntry("reason", "closed by backend").containsEntry("since", closed.get("timestamp"))
                .containsEntry("sessionId", "session_1602_+221771602000").doesNotContainKey("jid");
    }

    @Test
    void aNumberNobodyKnowsIsUnknown() {
        askStatus(1603, null);
        askStatus(1604, "+221771604000");

        assertThat(backend.awaitEvent(1603, "status").json()).containsEntry("state", "unknown")
                .containsEntry("sessionId", "session_1603_").doesNotContainKeys("since", "qrCode");
        assertThat(backend.awaitEvent(1604, "status").json()).containsEntry("state", "unknown")
                .containsEntry("sessionId", "session_1604_+221771604000");
        assertThat(backend.eventsFor(1603)).hasSize(1);
    }

    /** Sends {@code status} for the number, naming its phone number unless {@code phoneNumber} is null. */
    private String askStatus(long numberId, String phoneNumber) {
        String command = "{\"action\":\"status\",\"data\":{\"numberId\":" + numberId
                + (phoneNumber == null ? "" : ",\"phoneNumber\":\"" + phoneNumber + "\"") + "}}";
        AsyncApiContract.get().requireValidCommand(command);
        return backend.sendJson(worker.commandQueue(), command);
    }

    /** The {@code count}-th status event of the number, once it arrived. */
    private BackendProbe.Event awaitStatus(long numberId, int count) {
        await().atMost(BackendProbe.WAIT).until(() -> statuses(numberId).size() >= count);
        return statuses(numberId).get(count - 1);
    }

    private List<BackendProbe.Event> statuses(long numberId) {
        return backend.eventsFor(numberId).stream().filter(event -> event.action().equals("status")).toList();
    }

    private double statusRequests() {
        var counter = meters.find("worker.commands").tags("action", "status", "outcome", "handled").counter();
        return counter == null ? 0 : counter.count();
    }
}
