package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every way the contract's backends publish a command reaches the session layer as the same command: each one
 * here starts a validation whose first QR comes back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class CommandBodyVariantsIT {

    private static final TestWorker WORKER = TestWorker.unique("variants");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WORKER.register(properties);
    }

    @AfterAll
    static void stopWorkerAndCleanUp(ApplicationContext worker) {
        BACKEND.stopWorkerAndCleanUp(worker);
    }

    @Test
    void aJsonObjectAsApplicationJson() {
        BACKEND.sendJson(WORKER.commandQueue(), create(201));

        assertFirstQrFor(201);
    }

    /** What a Spring RabbitTemplate sends when given a String and a JSON message converter. */
    @Test
    void aJsonStringHoldingTheObjectWithTheSendersTypeHeader() {
        String asJsonString = "\"" + create(202).replace("\"", "\\\"") + "\"";
        MessageProperties properties = json();
        properties.setHeader("__TypeId__", "java.lang.String");

        BACKEND.send(WORKER.commandQueue(), bytes(asJsonString), properties);

        assertFirstQrFor(202);
    }

    @Test
    void textPlain() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("text/plain");
        properties.setContentEncoding("UTF-8");

        BACKEND.send(WORKER.commandQueue(), bytes(create(203)), properties);

        assertFirstQrFor(203);
    }

    @Test
    void noContentTypeAtAll() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(null);

        BACKEND.send(WORKER.commandQueue(), bytes(create(204)), properties);

        assertFirstQrFor(204);
    }

    /** A Spring backend's Jackson converter names its own class; the worker has no such class and ignores it. */
    @Test
    void aForeignTypeHeader() {
        MessageProperties properties = json();
        properties.setHeader("__TypeId__", "com.example.backend.dto.WorkerCommand");

        BACKEND.send(WORKER.commandQueue(), bytes(create(205)), properties);

        assertFirstQrFor(205);
    }

    @Test
    void theValidateAliasOnTheWorkersOwnQueue() {
        BACKEND.sendJson(WORKER.ownQueue(), create(206).replace("\"create\"", "\"validate\""));

        assertFirstQrFor(206);
    }

    @Test
    void aWorkerStatusIsAcknowledgedAndIgnored() {
        double ignoredBefore = meters.counter("worker.commands", "action", "worker_status", "outcome", "ignored").count();

        BACKEND.sendJson(WORKER.commandQueue(), "{\"action\":\"worker_status\",\"data\":{\"workerId\":\"w2\",\"busy\":0}}");

        await().atMost(BackendProbe.WAIT).until(() -> meters.counter("worker.commands", "action", "worker_status",
                "outcome", "ignored").count() == ignoredBefore + 1);
        assertThat(BACKEND.messageCount(WORKER.commandQueue())).isZero();
        assertThat(BACKEND.messageCount(WORKER.deadLetterQueue())).isZero();
    }

    private static void assertFirstQrFor(long numberId) {
        BackendProbe.Event qr = BACKEND.awaitEvent(numberId, "qr_generated");
        assertThat(qr.json())
                .containsEntry("sessionId", "session_" + numberId + "_+221771234567")
                .containsEntry("qrIndex", 1);
        assertThat(BACKEND.messageCount(WORKER.deadLetterQueue())).isZero();
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
