package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;

/**
 * Commands addressed by {@code data.workerId}: to another worker (forwarded unchanged to its queue), to a worker
 * that does not exist ({@code UNKNOWN_WORKER}), or to this one (its id, a number, given as text or as an integer).
 */
@WorkerIntegrationTest
class ForwardingIT extends WorkerTestBase {

    private static final String OTHER_WORKER = "worker-b";

    @BeforeEach
    void startTheOtherWorkersQueue() {
        backend.admin().declareQueue(new Queue(worker.queueOf(OTHER_WORKER), true, false, false));
    }

    /** Each test starts with the other worker's queue new and empty. */
    @AfterEach
    void deleteTheOtherWorkersQueue() {
        backend.admin().deleteQueue(worker.queueOf(OTHER_WORKER));
    }

    @Test
    void forwardsACommandForAnotherWorkerUnchanged() {
        byte[] body = bytes(command("regenerate_qr", 401, "\"" + OTHER_WORKER + "\""));
        MessageProperties properties = new MessageProperties();
        properties.setContentType("text/plain");
        properties.setContentEncoding("UTF-8");
        properties.setMessageId("command-401");
        properties.setCorrelationId("request-401");
        properties.setType("command");
        properties.setAppId("backend");
        properties.setTimestamp(new Date(1_765_029_100_000L));
        properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        properties.setHeader("__TypeId__", "com.example.backend.dto.WorkerCommand");
        properties.setHeader("tenant", "acme");

        backend.send(worker.commandQueue(), body, properties);

        Message forwarded = backend.awaitMessage(worker.queueOf(OTHER_WORKER));
        MessageProperties arrived = forwarded.getMessageProperties();
        assertThat(forwarded.getBody()).containsExactly(body);
        assertThat(arrived.getContentType()).isEqualTo("text/plain");
        assertThat(arrived.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(arrived.getMessageId()).isEqualTo("command-401");
        assertThat(arrived.getCorrelationId()).isEqualTo("request-401");
        assertThat(arrived.getType()).isEqualTo("command");
        assertThat(arrived.getAppId()).isEqualTo("backend");
        assertThat(arrived.getTimestamp()).isEqualTo(new Date(1_765_029_100_000L));
        assertThat(arrived.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.NON_PERSISTENT);
        assertThat(arrived.getHeaders())
                .containsEntry("__TypeId__", "com.example.backend.dto.WorkerCommand")
                .containsEntry("tenant", "acme");
        assertThat(backend.messageCount(worker.commandQueue())).isZero();
        assertThat(backend.eventsFor(401)).isEmpty();
    }

    @Test
    void forwardsAMessageWithoutContentTypeWithoutOne() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(null);

        backend.send(worker.commandQueue(), bytes(command("close", 402, "\"" + OTHER_WORKER + "\"")), properties);

        assertThat(backend.awaitMessage(worker.queueOf(OTHER_WORKER)).getMessageProperties().getContentType()).isNull();
    }

    @Test
    void forwardsOneNumbersCommandsInOrder() {
        List<String> order = IntStream.range(0, 30).mapToObj(Integer::toString).toList();
        backend.sendJsonInOrder(worker.commandQueue(), order.stream()
                .map(i -> command("reconnect", 403, "\"" + OTHER_WORKER + "\"").replace("1765029100000", i))
                .toList());

        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            arrived.add(new String(backend.awaitMessage(worker.queueOf(OTHER_WORKER)).getBody(), StandardCharsets.UTF_8));
        }
        assertThat(arrived).extracting(body -> body.substring(body.lastIndexOf(':') + 1, body.length() - 1))
                .containsExactlyElementsOf(order);
    }

    @Test
    void answersACommandForAWorkerWithoutAQueue() {
        String messageId = backend.sendJson(worker.commandQueue(), command("create", 404, "\"ghost\""));

        BackendProbe.Event error = backend.awaitEvent(404, "error");
        assertThat(error.json())
                .containsEntry("code", "UNKNOWN_WORKER")
                .containsEntry("sessionId", "session_404_+221771234567")
                .containsEntry("workerId", worker.id());
        assertThat((String) error.get("error")).contains("'ghost'").contains(worker.queueOf("ghost"));
        assertThat(error.properties().getCorrelationId()).isEqualTo(messageId);
        await().atMost(BackendProbe.WAIT).until(() -> backend.messageCount(worker.commandQueue()) == 0);
        assertThat(backend.messageCount(worker.deadLetterQueue())).isZero();
    }

    @Test
    void handlesACommandAddressedToItselfAsText() {
        backend.sendJson(worker.commandQueue(), command("create", 405, "\"" + worker.id() + "\""));

        assertThat(backend.awaitEvent(405, "qr_generated").json()).containsEntry("workerId", worker.id());
    }

    @Test
    void handlesACommandAddressedToItselfAsAnInteger() {
        backend.sendJson(worker.commandQueue(), command("create", 406, worker.id()));

        assertThat(backend.awaitEvent(406, "qr_generated").json()).containsEntry("workerId", worker.id());
    }

    private static String command(String action, long numberId, String workerId) {
        return "{\"action\":\"" + action + "\",\"data\":{\"numberId\":" + numberId
                + ",\"phoneNumber\":\"+221771234567\",\"workerId\":" + workerId + "},\"timestamp\":1765029100000}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
