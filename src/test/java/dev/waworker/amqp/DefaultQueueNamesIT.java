package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker with the contract's queue names left to their defaults, starting against a broker where the backend
 * already declared {@code whatsapp.session.update} and {@code whatsapp.worker.events} as plain durable queues.
 * The queues are shared with anything else on this broker: they are purged first, and the numbers used here are
 * unlikely elsewhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class DefaultQueueNamesIT {

    private static final TestWorker WORKER =
            TestWorker.withContractNames("it-defaults-" + UUID.randomUUID().toString().substring(0, 8));
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);
    private static final long NUMBER_ID = 940_100_000_001L;

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WORKER.registerIdentity(properties);
    }

    /** Runs before the worker starts: the backend was there first. */
    @BeforeAll
    static void backendDeclaredItsQueues() {
        for (String name : new String[] {"whatsapp.session.update", "whatsapp.worker.events"}) {
            BACKEND.admin().declareQueue(new Queue(name, true, false, false));
            BACKEND.admin().purgeQueue(name);
        }
    }

    @AfterAll
    static void stopWorkerAndCleanUp(ApplicationContext worker) {
        BACKEND.stopWorkerAndCleanUp(worker);
    }

    @Test
    void consumesTheContractsQueueAndPublishesEventsWithTheContractsProperties() {
        Instant sent = Instant.now();
        String messageId = BACKEND.sendCommand("create", NUMBER_ID, "+221771234567");

        BackendProbe.Event qr = BACKEND.awaitEvent(NUMBER_ID, "qr_generated");

        assertThat(qr.json()).containsOnlyKeys(
                "action", "numberId", "sessionId", "timestamp", "eventId", "workerId", "qrCode", "expiresAt", "qrIndex");
        assertThat(qr.json())
                .containsEntry("sessionId", "session_" + NUMBER_ID + "_+221771234567")
                .containsEntry("workerId", WORKER.id())
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
        BACKEND.sendJson(WORKER.ownQueue(), "{\"action\":\"create\",\"data\":{\"numberId\":" + (NUMBER_ID + 1)
                + ",\"phoneNumber\":\"+221771234567\",\"workerId\":\"" + WORKER.id() + "\"}}");

        assertThat(BACKEND.awaitEvent(NUMBER_ID + 1, "qr_generated").json()).containsEntry("qrIndex", 1);
    }
}
