package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The outbox keeps what the broker does not take: with the events queue gone, every publish comes back unrouted
 * for several QR lifetimes, and nothing is lost; once the queue is back, every owed event is delivered, in order.
 * (The broker really stopped is {@code BrokerOutageIT}'s.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "whatsapp.simulator.first-qr-ttl=500ms",
        "whatsapp.simulator.next-qr-ttl=500ms",
        "whatsapp.qr.max-retries=3"})
@DirtiesContext
class OutboxRelayIT {

    private static final TestWorker WORKER = TestWorker.unique("outbox");
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
    void eventsTheBrokerRefusedAreDeliveredInOrderOnceItTakesThemAgain() {
        // The worker declares its queues on each new connection: its publishing connection must be open already.
        BACKEND.sendCommand("create", 900, "+221771234500");
        BACKEND.awaitEvent(900, "qr_generated");
        BACKEND.admin().deleteQueue(WORKER.eventsQueue());

        BACKEND.sendCommand("create", 901, "+221771234567");
        // The whole QR cycle (four lifetimes) passes while nothing can be delivered.
        await().atMost(BackendProbe.WAIT)
                .until(() -> meters.get("worker.outbox.owed").gauge().value() >= 8);

        BACKEND.admin().declareQueue(new Queue(WORKER.eventsQueue()));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> meters.get("worker.outbox.owed").gauge().value() == 0);
        List<BackendProbe.Event> events = BACKEND.awaitEvents(901, 8);
        assertThat(events).extracting(BackendProbe.Event::action).containsExactly(
                "qr_generated", "qr_regenerating",
                "qr_generated", "qr_regenerating",
                "qr_generated", "qr_regenerating",
                "qr_generated", "error");
        for (int qr = 0; qr < 4; qr++) {
            assertThat(events.get(2 * qr).json()).containsEntry("qrIndex", qr + 1);
        }
        assertThat(events).extracting(event -> event.get("eventId")).doesNotHaveDuplicates();
        assertThat(events).extracting(event -> ((Number) event.get("timestamp")).longValue()).isSorted();
    }
}
