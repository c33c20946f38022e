package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.waworker.testing.OwnRabbitNode;
import io.micrometer.core.instrument.Counter;

/**
 * The broker really stopped ({@code rabbitmqctl stop_app} on a node this test starts for itself) in the middle of a
 * QR cycle, for longer than two QR lifetimes: when it is back, every event is delivered, in order, none lost, except
 * the QRs that expired in the outbox behind a newer one (dropped, counted), and the QRs nobody could see spent none
 * of the budget.
 */
@WorkerIntegrationTest(properties = {
        "whatsapp.simulator.first-qr-ttl=2s",
        "whatsapp.simulator.next-qr-ttl=2s",
        "whatsapp.qr.max-retries=3"})
@DirtiesContext
class BrokerOutageIT extends WorkerTestBase {

    private static final OwnRabbitNode NODE = new OwnRabbitNode().start();
    private static final Duration CYCLE = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        properties.add("spring.rabbitmq.port", () -> NODE.port);
    }

    /** Stops the node with the worker, after it: the worker's clean-up deletes its queues on the node. */
    @TestConfiguration
    static class OwnNode {
        @Bean
        OwnRabbitNode ownRabbitNode() {
            return NODE;
        }
    }

    private double counter(String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void everyEventOfAnOutageLongerThanTwoQrLifetimesIsDeliveredInOrder() {
        backend.sendCommand("create", 961, "+221771234567");
        backend.awaitEvent(961, "qr_generated");

        long stoppedAt = System.currentTimeMillis();
        NODE.stopApp();
        // At least two whole QR lifetimes with nothing delivered.
        await().atMost(CYCLE).until(() -> counter("whatsapp.qr.regenerations", "trigger", "unseen") >= 2);
        assertThat(counter("worker.events.failed", "action", "qr_generated")
                + counter("worker.events.failed", "action", "qr_regenerating")).isPositive();
        NODE.startApp();

        await().atMost(CYCLE).until(() -> backend.eventsFor(961).stream()
                .anyMatch(event -> event.action().equals("error")));
        List<BackendProbe.Event> events = backend.eventsFor(961);

        List<Integer> qrIndexes = events.stream().filter(event -> event.action().equals("qr_generated"))
                .map(event -> ((Number) event.get("qrIndex")).intValue()).toList();
        double dropped = counter("worker.outbox.qr.dropped");
        assertThat(dropped).as("the QRs that expired in the outbox behind a newer one").isPositive();
        assertThat(qrIndexes).as("in order").isSorted().doesNotHaveDuplicates();
        assertThat(qrIndexes.size() + dropped).as("every QR delivered or dropped, none lost")
                .isEqualTo(counter("whatsapp.qr.generated"));
        // Nothing written since the stop could be delivered before the broker came back.
        List<BackendProbe.Event> afterTheOutage = events.stream()
                .filter(event -> ((Number) event.get("timestamp")).longValue() > stoppedAt).toList();
        // Without the drop, the outage's QRs (at least three) would arrive in a row. Two may: the newest of the
        // outage expired unseen just as the broker came back, and the QR replacing it follows.
        for (int i = 0; i < afterTheOutage.size() - 2; i++) {
            assertThat(afterTheOutage.subList(i, i + 3)).extracting(BackendProbe.Event::action)
                    .as("the QRs the backend can show, not a string of dead ones")
                    .isNotEqualTo(List.of("qr_generated", "qr_generated", "qr_generated"));
        }
        assertThat(events).filteredOn(event -> event.action().equals("qr_regenerating"))
                .extracting(event -> ((Number) event.get("attempt")).intValue())
                .as("the outage spent no attempt: the whole budget is still used, once each")
                .containsExactly(1, 2, 3);
        for (int i = 0; i < events.size() - 1; i++) {
            if (events.get(i).action().equals("qr_regenerating")) {
                assertThat(events.get(i + 1).action()).as("a regeneration announces the QR after it")
                        .isEqualTo("qr_generated");
            }
        }
        assertThat(events.getLast().json()).containsEntry("action", "error")
                .containsEntry("code", "QR_RETRIES_EXHAUSTED");
        assertThat(events).extracting(event -> event.get("eventId")).doesNotHaveDuplicates();
        assertThat(events).extracting(event -> ((Number) event.get("timestamp")).longValue()).isSorted();
        // The relay deletes an event once the broker confirmed it, which may be just after the backend received it.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.get("worker.outbox.owed").gauge().value() == 0);

        // The command consumers came back with the broker: a new command is served.
        backend.sendCommand("create", 962, "+221771234562");
        assertThat(backend.awaitEvent(962, "qr_generated").json()).containsEntry("qrIndex", 1);
    }
}
