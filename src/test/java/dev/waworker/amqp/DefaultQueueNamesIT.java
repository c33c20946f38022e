package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The worker with the contract's queue names left to their defaults, starting against a broker where the backend
 * already declared {@code whatsapp.session.update} and {@code whatsapp.worker.events} as plain durable queues.
 * The queues are shared with anything else on this broker: they are purged first, and the numbers used here are
 * unlikely elsewhere.
 */
@WorkerIntegrationTest(contractQueueNames = true)
@DirtiesContext
class DefaultQueueNamesIT extends WorkerTestBase {

    private static final long NUMBER_ID = 940_100_000_001L;

    /** Runs before the worker starts: the backend was there first. */
    @BeforeWorkerStarts
    static void backendDeclaredItsQueues(TestWorker worker) {
        try (BackendProbe backend = new BackendProbe(worker)) {
            for (String name : new String[] {"whatsapp.session.update", "whatsapp.worker.events"}) {
                backend.admin().declareQueue(new Queue(name, true, false, false));
                backend.admin().purgeQueue(name);
            }
        }
    }

    @Test
    void consumesTheContractsQueueAndPublishesEventsWithTheContractsProperties() {
        Instant sent = Instant.now();
        String messageId = backend.sendCommand("create", NUMBER_ID, "+221771234567");

        BackendProbe.Event qr = backend.awaitEvent(NUMBER_ID, "qr_generated");

        assertThat(qr.json()).containsOnlyKeys(
                "action", "numberId", "sessionId", "timestamp", "eventId", "workerId", "qrCode", "expiresAt", "qrIndex");
        assertThat(qr.json())
                .containsEntry("sessionId", "session_" + NUMBER_ID + "_+221771234567")
                .containsEntry("workerId", worker.id())
                .containsEntry("qrIndex", 1);
        assertThat((String) qr.get("qrCode")).startsWith("data:image/png;base64,");
        assertThat(((Number) qr.get("timestamp")).longValue()).isGreaterThanOrEqualTo(sent.toEpochMilli() - 1000);
        assertThat(((Number) qr.get("expiresAt")).longValue()).isGreaterThan(((Number) qr.get("timestamp")).longValue());

        MessageProperties properties = qr.properties();
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getContentEncoding()).isEqualTo("UTF-8");
        assertThat(properties.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(properties.getMessageId()).isEqualTo(qr.get("eventId"));
        assertThat(properties.getType()).isEqualTo("qr_generated");
        assertThat(properties.getAppId()).isEqualTo("whatsapp-worker");
        assertThat(properties.getTimestamp())
                .isEqualTo(new Date(((Number) qr.get("timestamp")).longValue() / 1000 * 1000));
        assertThat(properties.getCorrelationId()).isEqualTo(messageId);
        assertThat(properties.getHeaders()).doesNotContainKey("__TypeId__");
    }

    @Test
    void alsoConsumesItsOwnQueue() {
        backend.sendJson(worker.ownQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":" + (NUMBER_ID + 1)
                + ",\"phoneNumber\":\"+221771234567\",\"workerId\":\"" + worker.id() + "\"}}");

        assertThat(backend.awaitEvent(NUMBER_ID + 1, "qr_generated").json()).containsEntry("qrIndex", 1);
    }
}
