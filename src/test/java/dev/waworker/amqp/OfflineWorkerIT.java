package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.json.JsonMapper;

import dev.waworker.session.SessionManager;
import dev.waworker.testing.LogCapture;
import dev.waworker.testing.RefusingPort;
import dev.waworker.whatsapp.WhatsAppClientFactory;
import dev.waworker.whatsapp.whatsmeow.WhatsmeowClientFactory;
import dev.waworker.testing.WorkerHttp;

/**
 * The acceptance "the worker with default settings and no network": the whole application with the packaged default
 * WhatsApp (whatsmeow in the real native library), whose connections go to a local port that refuses them, as they
 * would fail on a machine without network (set explicitly, so that the test means the same on a machine that has
 * one). A {@code create} ends in {@code CONNECT_FAILED} after the default number of attempts, and the worker stays
 * up: healthy, serving other numbers, dead-lettering bad input.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "whatsapp.whatsmeow.connect-backoff=100ms", simulatedWhatsApp = false)
// Closing the context closes the native store: the library holds one per process, and other tests open theirs.
@DirtiesContext
class OfflineWorkerIT extends WorkerTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private WhatsAppClientFactory whatsApp;

    @Autowired
    private SessionManager sessions;

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) throws IOException {
        String unreachableWhatsApp = RefusingPort.webSocketUrl();
        properties.add("whatsapp.whatsmeow.websocket-url", () -> unreachableWhatsApp);
    }

    @Test
    void aCreateEndsInConnectFailedAndTheWorkerStaysUpForOtherNumbersAndBadInput() throws Exception {
        assertThat(whatsApp).as("the default WhatsApp").isInstanceOf(WhatsmeowClientFactory.class);

        BackendProbe.Event failed;
        String commandId;
        try (LogCapture log = LogCapture.of(SessionManager.class)) {
            commandId = backend.sendCommand("create", 901, "+221771234567");
            failed = backend.awaitEvent(901, "error");
            assertThat(log.messagesAboveDebug()).filteredOn(line -> line.contains("session_901_+221771234567"))
                    .filteredOn(line -> line.startsWith("Connection attempt "))
                    .as("the retries before giving up, with the packaged connect-attempts")
                    .extracting(line -> line.substring(0, "Connection attempt 1/3".length()))
                    .containsExactly("Connection attempt 1/3", "Connection attempt 2/3");
        }
        assertThat(backend.eventsFor(901)).as("nothing but the error").singleElement();
        assertThat(failed.json())
                .containsEntry("code", "CONNECT_FAILED")
                .containsEntry("sessionId", "session_901_+221771234567")
                .containsEntry("workerId", worker.id());
        assertThat((String) failed.get("error"))
                .startsWith("Could not connect to WhatsApp after 3 attempts (connection refused: ");
        assertContractProperties(failed, commandId);
        assertThat(sessions.view(901).join()).as("the failed session").isEmpty();

        HttpResponse<String> health = WorkerHttp.get(port, "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asString()).isEqualTo("UP");

        String secondCommandId = backend.sendCommand("create", 902, "+221771234568");
        BackendProbe.Event secondFailed = backend.awaitEvent(902, "error");
        assertThat(secondFailed.json())
                .containsEntry("code", "CONNECT_FAILED")
                .containsEntry("sessionId", "session_902_+221771234568");
        assertThat(secondFailed.properties().getCorrelationId()).isEqualTo(secondCommandId);

        backend.sendJson(worker.commandQueue(), "create 903 please");
        Message dead = backend.awaitMessage(worker.deadLetterQueue());
        assertThat(dead.getBody()).asString(StandardCharsets.UTF_8).isEqualTo("create 903 please");
        assertThat((String) dead.getMessageProperties().getHeader("x-error")).startsWith("body is not JSON: ");
        await().atMost(BackendProbe.WAIT).until(() -> backend.messageCount(worker.commandQueue()) == 0);
    }

    @Test
    void theDeviceStoreInTheDataDirIsReadableByItsOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                worker.dataDir().resolve("whatsmeow.db")))).isEqualTo("rw-------");
    }

    /** The AMQP properties the contract requires on every event. */
    private static void assertContractProperties(BackendProbe.Event event, String commandId) {
        MessageProperties properties = event.properties();
        assertThat(properties.getMessageId()).isEqualTo(event.get("eventId")).isNotBlank();
        assertThat(properties.getType()).isEqualTo(event.action());
        assertThat(properties.getAppId()).isEqualTo("whatsapp-worker");
        assertThat(properties.getCorrelationId()).isEqualTo(commandId);
        assertThat(properties.getContentType()).isEqualTo(MessageProperties.CONTENT_TYPE_JSON);
        assertThat(properties.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        // AMQP carries the timestamp in whole seconds.
        assertThat(properties.getTimestamp().getTime() / 1000)
                .isEqualTo(((Number) event.get("timestamp")).longValue() / 1000);
        assertThat(properties.getHeaders()).doesNotContainKey("__TypeId__");
    }
}
