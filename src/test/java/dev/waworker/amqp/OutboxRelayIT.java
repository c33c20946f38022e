package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The outbox keeps what the broker does not take: with the events queue gone, every publish comes back unrouted
 * for several QR lifetimes, and nothing is lost; once the queue is back, every owed event is delivered, in order,
 * except the QRs that expired behind a newer one (dropped: nobody can scan them).
 * The QRs of the outage spent no attempt (nobody saw them), so the retry rule starts from attempt 1 afterwards.
 */
@WorkerIntegrationTest(properties = {
        "whatsapp.simulator.first-qr-ttl=1s",
        "whatsapp.simulator.next-qr-ttl=1s",
        "whatsapp.qr.max-retries=3"})
// A worker of its own, closed after: the test takes the events queue away from every number on it.
@DirtiesContext
class OutboxRelayIT extends WorkerTestBase {

    @Test
    void eventsTheBrokerRefusedAreDeliveredInOrderOnceItTakesThemAgain() {
        // The worker declares its queues on each new connection: its publishing connection must be open already
        // (an invalid command opens it: dead letter, then INVALID_COMMAND), and no other number may be pairing.
        backend.sendCommand("bogus", 900, "+221771234500");
        backend.awaitEvent(900, "error");
        backend.admin().deleteQueue(worker.eventsQueue());

        backend.sendCommand("create", 901, "+221771234567");
        // Four QR lifetimes pass while nothing can be delivered: QRs nobody saw spend no attempt.
        await().atMost(BackendProbe.WAIT).until(() -> meters.find("whatsapp.qr.regenerations")
                .tag("trigger", "unseen").counter() != null
                && meters.get("whatsapp.qr.regenerations").tag("trigger", "unseen").counter().count() >= 3);
        // Awaited too: a step counts its regeneration before it writes its events, at the end of the step.
        await().atMost(BackendProbe.WAIT).until(() -> meters.get("worker.outbox.owed").gauge().value() >= 4);

        backend.admin().declareQueue(new Queue(worker.eventsQueue()));

        // Then the seed's rule applies again, to the QR the backend now has: it expires, attempt 1/3.
        BackendProbe.Event regenerating = backend.awaitEvent(901, "qr_regenerating");
        assertThat(regenerating.json()).containsEntry("attempt", 1)
                .containsEntry("message", "QR code expired. Generating new QR code (attempt 1/3)");
        List<BackendProbe.Event> events = backend.eventsFor(901);
        int firstRegenerating = events.indexOf(regenerating);
        // The QRs that expired in the outbox behind a newer one are dropped: the backend gets the newest (and, when
        // that one too expired unseen just as the queue came back, the one replacing it).
        assertThat(firstRegenerating).as("only the newest QRs of the outage are delivered").isBetween(1, 2);
        for (int i = 0; i < firstRegenerating; i++) {
            assertThat(events.get(i).json()).as("event %d", i).containsEntry("action", "qr_generated");
        }
        int lastQrIndex = ((Number) events.get(firstRegenerating - 1).get("qrIndex")).intValue();
        assertThat(lastQrIndex).as("four QR lifetimes passed").isGreaterThanOrEqualTo(4);
        assertThat(meters.get("worker.outbox.qr.dropped").counter().count() + firstRegenerating)
                .as("every QR of the outage delivered or dropped, none lost").isEqualTo(lastQrIndex);
        assertThat(events).extracting(event -> event.get("eventId")).doesNotHaveDuplicates();
        assertThat(events).extracting(event -> ((Number) event.get("timestamp")).longValue()).isSorted();
    }
}
