package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.waworker.testing.LogCapture;

/**
 * Bad commands through the whole worker and the real broker: each is acknowledged once, copied to the dead-letter
 * queue with the reason, answered when its number can be read, and the worker goes on serving other numbers.
 */
@WorkerIntegrationTest
class BadInputIT extends WorkerTestBase {

    @Test
    void deadLettersAnUnknownActionOnceAnswersItAndKeepsServingOtherNumbers() {
        double invalidBefore = invalidCommands();
        String body = "{\"action\":\"foo\",\"data\":{\"numberId\":101,\"phoneNumber\":\"+221771234567\"}}";
        String messageId = backend.sendJson(worker.commandQueue(), body);

        Message dead = backend.awaitMessage(worker.deadLetterQueue());
        assertThat(dead.getBody()).asString(StandardCharsets.UTF_8).isEqualTo(body);
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry("x-error", "unknown action 'foo'")
                .containsEntry("x-original-queue", worker.commandQueue());
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo(messageId);

        BackendProbe.Event error = backend.awaitEvent(101, "error");
        assertThat(error.json())
                .containsEntry("code", "INVALID_COMMAND")
                .containsEntry("sessionId", "session_101_+221771234567")
                .containsEntry("error", "Invalid command: unknown action 'foo'");
        assertThat(error.properties().getCorrelationId()).isEqualTo(messageId);

        // Settled once: not requeued, not read again.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                invalidCommands() == invalidBefore + 1
                        && backend.messageCount(worker.commandQueue()) == 0);
        assertThat(backend.messageCount(worker.deadLetterQueue())).isZero();

        backend.sendCommand("create", 102, "+221771234568");
        assertThat(backend.awaitEvent(102, "qr_generated").get("qrCode")).asString()
                .startsWith("data:image/png;base64,");
    }

    @Test
    void answersABadPhoneNumberWithTheSessionIdAsGiven() {
        try (LogCapture logs = LogCapture.of(CommandListener.class)) {
            backend.sendJson(worker.commandQueue(),
                    "{\"action\":\"create\",\"data\":{\"numberId\":103,\"phoneNumber\":\"12ab\"}}");

            assertThat(backend.awaitMessage(worker.deadLetterQueue()).getMessageProperties().getHeaders())
                    .containsEntry("x-error",
                            "phoneNumber must be an optional + and 8 to 15 digits, was the string '12ab'");
            assertThat(logs.mdcAboveDebug()).as("the number's fields on its log line").containsExactly(Map.of(
                    "workerId", worker.id(), "numberId", "103", "sessionId", "session_103_12ab"));
        }
        assertThat(backend.awaitEvent(103, "error").json())
                .containsEntry("code", "INVALID_COMMAND")
                .containsEntry("sessionId", "session_103_12ab");
    }

    @Test
    void deadLettersBytesThatAreNotUtf8AsTheyCame() {
        byte[] body = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        MessageProperties properties = new MessageProperties();
        properties.setContentType("text/plain");
        properties.setHeader("tenant", "acme");

        backend.send(worker.commandQueue(), body, properties);

        Message dead = backend.awaitMessage(worker.deadLetterQueue());
        assertThat(dead.getBody()).containsExactly(body);
        assertThat(dead.getMessageProperties().getContentType()).isEqualTo("text/plain");
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry("x-error", "body is not valid UTF-8")
                .containsEntry("tenant", "acme");
    }

    @Test
    void deadLettersJsonThatIsNotAnObject() {
        backend.sendJson(worker.commandQueue(), "[{\"action\":\"create\"}]");

        assertThat(backend.awaitMessage(worker.deadLetterQueue()).getMessageProperties().getHeaders())
                .containsEntry("x-error", "body must be a JSON object, was an array");
    }

    @Test
    void refusesAnUnsupportedContentType() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/xml");

        backend.send(worker.commandQueue(), "<create/>".getBytes(StandardCharsets.UTF_8), properties);

        assertThat(backend.awaitMessage(worker.deadLetterQueue()).getMessageProperties().getHeaders())
                .containsEntry("x-error", "unsupported content type 'application/xml' (expected application/json, "
                        + "text/plain, application/octet-stream or none)");
    }

    private double invalidCommands() {
        return meters.counter("worker.commands", "action", "unknown", "outcome", "invalid").count();
    }
}
