package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Commands addressed by {@code data.workerId}: to another worker (forwarded unchanged to its queue), to a worker
 * that does not exist ({@code UNKNOWN_WORKER}), or to this one (id 7, given as text or as an integer).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class ForwardingIT {

    private static final TestWorker WORKER = TestWorker.unique("forwarding", "7");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);
    private static final String OTHER_WORKER = "worker-b";

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WORKER.register(properties);
    }

    @BeforeAll
    static void startTheOtherWorkersQueue() {
        BACKEND.admin().declareQueue(new Queue(WORKER.queueOf(OTHER_WORKER), true, false, false));
    }

    @BeforeEach
    void emptyTheOtherWorkersQueue() {
        BACKEND.admin().purgeQueue(WORKER.queueOf(OTHER_WORKER));
    }

    @AfterAll
    static void stopWorkerAndCleanUp(ApplicationContext worker) {
        BACKEND.admin().deleteQueue(WORKER.queueOf(OTHER_WORKER));
        BACKEND.stopWorkerAndCleanUp(worker);
    }

    @Test
    void forwardsACommandForAnotherWorkerUnchanged() {
        byte[] body = bytes(command("regenerate_qr", 301, "\"" + OTHER_WORKER + "\""));
        MessageProperties properties = new MessageProperties();
        properties.setContentType("text/plain");
        properties.setContentEncoding("UTF-8");
        properties.setMessageId("command-301");
        properties.setCorrelationId("request-301");
        properties.setType("command");
        properties.setAppId("backend");
        properties.setTimestamp(new Date(1_765_029_100_000L));
        properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        properties.setHeader("__TypeId__", "com.example.backend.dto.WorkerCommand");
        properties.setHeader("tenant", "acme");

        BACKEND.send(WORKER.commandQueue(), body, properties);

        Message forwarded = BACKEND.awaitMessage(WORKER.queueOf(OTHER_WORKER));
        MessageProperties arrived = forwarded.getMessageProperties();
        assertThat(forwarded.getBody()).containsExactly(body);
        assertThat(arrived.getContentType()).isEqualTo("text/plain");
        assertThat(arrived.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(arrived.getMessageId()).isEqualTo("command-301");
        assertThat(arrived.getCorrelationId()).isEqualTo("request-301");
        assertThat(arrived.getType()).isEqualTo("command");
        assertThat(arrived.getAppId()).isEqualTo("backend");
        assertThat(arrived.getTimestamp()).isEqualTo(new Date(1_765_029_100_000L));
        assertThat(arrived.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.NON_PERSISTENT);
        assertThat(arrived.getHeaders())
                .containsEntry("__TypeId__", "com.example.backend.dto.WorkerCommand")
                .containsEntry("tenant", "acme");
        assertThat(BACKEND.messageCount(WORKER.commandQueue())).isZero();
        assertThat(BACKEND.eventsFor(301)).isEmpty();
    }

    @Test
    void forwardsAMessageWithoutContentTypeWithoutOne() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(null);

        BACKEND.send(WORKER.commandQueue(), bytes(command("close", 302, "\"" + OTHER_WORKER + "\"")), properties);

        assertThat(BACKEND.awaitMessage(WORKER.queueOf(OTHER_WORKER)).getMessageProperties().getContentType()).isNull();
    }

    @Test
    void forwardsOneNumbersCommandsInOrder() {
        List<String> order = IntStream.range(0, 30).mapToObj(Integer::toString).toList();
        BACKEND.sendJsonInOrder(WORKER.commandQueue(), order.stream()
                .map(i -> command("reconnect", 303, "\"" + OTHER_WORKER + "\"").replace("1765029100000", i))
                .toList());

        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            arrived.add(new String(BACKEND.awaitMessage(WORKER.queueOf(OTHER_WORKER)).getBody(), StandardCharsets.UTF_8));
        }
        assertThat(arrived).extracting(body -> body.substring(body.lastIndexOf(':') + 1, body.length() - 1))
                .containsExactlyElementsOf(order);
    }

    @Test
    void answersACommandForAWorkerWithoutAQueue() {
        String messageId = BACKEND.sendJson(WORKER.commandQueue(), command("create", 304, "\"ghost\""));

        BackendProbe.Event error = BACKEND.awaitEvent(304, "error");
        assertThat(error.json())
                .containsEntry("code", "UNKNOWN_WORKER")
                .containsEntry("sessionId", "session_304_+221771234567")
                .containsEntry("workerId", "7");
        assertThat((String) error.get("error")).contains("'ghost'").contains(WORKER.queueOf("ghost"));
        assertThat(error.properties().getCorrelationId()).isEqualTo(messageId);
        await().atMost(BackendProbe.WAIT).until(() -> BACKEND.messageCount(WORKER.commandQueue()) == 0);
        assertThat(BACKEND.messageCount(WORKER.deadLetterQueue())).isZero();
    }

    @Test
    void handlesACommandAddressedToItselfAsText() {
        BACKEND.sendJson(WORKER.commandQueue(), command("create", 305, "\"7\""));

        assertThat(BACKEND.awaitEvent(305, "qr_generated").json()).containsEntry("workerId", "7");
    }

    @Test
    void handlesACommandAddressedToItselfAsAnInteger() {
        BACKEND.sendJson(WORKER.commandQueue(), command("create", 306, "7"));

        assertThat(BACKEND.awaitEvent(306, "qr_generated").json()).containsEntry("workerId", "7");
    }

    private static String command(String action, long numberId, String workerId) {
        return "{\"action\":\"" + action + "\",\"data\":{\"numberId\":" + numberId
                + ",\"phoneNumber\":\"+221771234567\",\"workerId\":" + workerId + "},\"timestamp\":1765029100000}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
