package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;

/**
 * Every way the contract's backends publish a command reaches the session layer as the same command: each one
 * here starts a validation whose first QR comes back.
 */
@WorkerIntegrationTest
class CommandBodyVariantsIT extends WorkerTestBase {

    @Test
    void aJsonObjectAsApplicationJson() {
        backend.sendJson(worker.commandQueue(), create(201));

        assertFirstQrFor(201);
    }

    /** What a Spring RabbitTemplate sends when given a String and a JSON message converter. */
    @Test
    void aJsonStringHoldingTheObjectWithTheSendersTypeHeader() {
        String asJsonString = "\"" + create(202).replace("\"", "\\\"") + "\"";
        MessageProperties properties = json();
        properties.setHeader("__TypeId__", "java.lang.String");

        backend.send(worker.commandQueue(), bytes(asJsonString), properties);

        assertFirstQrFor(202);
    }

    @Test
    void textPlain() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("text/plain");
        properties.setContentEncoding("UTF-8");

        backend.send(worker.commandQueue(), bytes(create(203)), properties);

        assertFirstQrFor(203);
    }

    @Test
    void noContentTypeAtAll() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(null);

        backend.send(worker.commandQueue(), bytes(create(204)), properties);

        assertFirstQrFor(204);
    }

    /** A Spring backend's Jackson converter names its own class; the worker has no such class and ignores it. */
    @Test
    void aForeignTypeHeader() {
        MessageProperties properties = json();
        properties.setHeader("__TypeId__", "com.example.backend.dto.WorkerCommand");

        backend.send(worker.commandQueue(), bytes(create(205)), properties);

        assertFirstQrFor(205);
    }

    @Test
    void theValidateAliasOnTheWorkersOwnQueue() {
        backend.sendJson(worker.ownQueue(), create(206).replace("\"create\"", "\"validate\""));

        assertFirstQrFor(206);
    }

    @Test
    void aWorkerStatusIsAcknowledgedAndIgnored() {
        double ignoredBefore = meters.counter("worker.commands", "action", "worker_status", "outcome", "ignored").count();

        backend.sendJson(worker.commandQueue(), "{\"action\":\"worker_status\",\"data\":{\"workerId\":\"w2\",\"busy\":0}}");

        await().atMost(BackendProbe.WAIT).until(() -> meters.counter("worker.commands", "action", "worker_status",
                "outcome", "ignored").count() == ignoredBefore + 1);
        assertThat(backend.messageCount(worker.commandQueue())).isZero();
        assertThat(backend.messageCount(worker.deadLetterQueue())).isZero();
    }

    private void assertFirstQrFor(long numberId) {
        BackendProbe.Event qr = backend.awaitEvent(numberId, "qr_generated");
        assertThat(qr.json())
                .containsEntry("sessionId", "session_" + numberId + "_+221771234567")
                .containsEntry("qrIndex", 1);
        assertThat(backend.messageCount(worker.deadLetterQueue())).isZero();
    }

    private static String create(long numberId) {
        return "{\"action\":\"create\",\"data\":{\"numberId\":" + numberId + ",\"phoneNumber\":\"+221771234567\"},"
                + "\"timestamp\":1765029100000}";
    }

    private static MessageProperties json() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        return properties;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
