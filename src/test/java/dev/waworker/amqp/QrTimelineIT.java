package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;

import dev.waworker.testing.QrPng;

/**
 * The seed's timeline end to end (broker, listener, real session layer, simulated WhatsApp), with QR lifetimes
 * of 1 s instead of 20 s: QR #1, then three times "expired, regenerating n/3" followed by the next QR, then
 * {@code QR_RETRIES_EXHAUSTED} and silence.
 */
@WorkerIntegrationTest(properties = {
        // Long enough for the broker's confirm of each QR to arrive before it expires, even on a loaded machine:
        // a QR still unconfirmed when it expires spends no attempt (see UnseenQrTest), which is not this test's.
        "whatsapp.simulator.first-qr-ttl=1s",
        "whatsapp.simulator.next-qr-ttl=1s",
        "whatsapp.qr.max-retries=3"})
// Closed after: OutboxRelayIT, with the same settings, needs a worker on which no other number is pairing.
@DirtiesContext
class QrTimelineIT extends WorkerTestBase {

    @Test
    void regeneratesAnExpiredQrThreeTimesThenGivesUp() {
        String commandId = backend.sendCommand("create", 601, "+221771234567");

        backend.awaitEvent(601, "error");
        List<BackendProbe.Event> events = backend.eventsFor(601);

        assertThat(events).extracting(BackendProbe.Event::action).containsExactly(
                "qr_generated", "qr_regenerating",
                "qr_generated", "qr_regenerating",
                "qr_generated", "qr_regenerating",
                "qr_generated", "error");
        for (int qr = 0; qr < 4; qr++) {
            BackendProbe.Event generated = events.get(2 * qr);
            assertThat(generated.json()).containsEntry("qrIndex", qr + 1)
                    .containsEntry("sessionId", "session_601_+221771234567");
            assertThat(QrPng.decode((String) generated.get("qrCode"))).startsWith("https://wa.me/settings/linked_devices#");
        }
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(events.get(2 * attempt - 1).json())
                    .containsEntry("attempt", attempt)
                    .containsEntry("maxAttempts", 3)
                    .containsEntry("message", "QR code expired. Generating new QR code (attempt " + attempt + "/3)");
        }
        assertThat(events.getLast().json())
                .containsEntry("code", "QR_RETRIES_EXHAUSTED")
                .containsEntry("error", "QR code generation failed after 3 attempts. Please request a new validation.");
        assertThat(events.stream().map(event -> event.get("qrCode")).filter(code -> code != null).distinct())
                .hasSize(4);
        assertThat(events.getFirst().properties().getCorrelationId()).isEqualTo(commandId);
        assertThat(events).extracting(event -> ((Number) event.get("timestamp")).longValue()).isSorted();

        // The cycle is over: nothing more comes for this number.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> backend.eventsFor(601).size() == 8);
    }

    @Test
    void aNewValidationAfterGivingUpStartsAgainFromTheFirstQr() {
        backend.sendCommand("create", 602, "+221771234568");
        backend.awaitEvent(602, "error");

        backend.sendCommand("create", 602, "+221771234568");

        List<BackendProbe.Event> again = backend.awaitEvents(602, 9);
        assertThat(again.get(8).json()).containsEntry("action", "qr_generated").containsEntry("qrIndex", 1);
    }

    /**
     * The relay pipelines confirms across numbers and sequences each number's events: many numbers at once, each
     * timeline arrives in its order (QRs numbered upwards, never a swap nor a repeat, then the error). A QR may be
     * missing: one that expired in the outbox behind a newer one is dropped (a loaded machine, see StaleQrPruning).
     */
    @Test
    void manyNumbersAtOnceEachGetTheirTimelineInItsOrder() {
        List<Long> numbers = LongStream.rangeClosed(611, 640).boxed().toList();
        numbers.forEach(number -> backend.sendCommand("create", number, "+221771234" + number));

        numbers.forEach(number -> backend.awaitEvent(number, "error"));

        for (long number : numbers) {
            List<BackendProbe.Event> events = backend.eventsFor(number);
            assertThat(events.getLast().action()).as("number %d", number).isEqualTo("error");
            List<Integer> qrIndexes = events.stream().filter(event -> event.action().equals("qr_generated"))
                    .map(event -> ((Number) event.get("qrIndex")).intValue()).toList();
            assertThat(qrIndexes).as("number %d", number).isNotEmpty().isSorted().doesNotHaveDuplicates();
            assertThat(events).extracting(event -> ((Number) event.get("timestamp")).longValue()).isSorted();
            assertThat(events).extracting(event -> event.get("eventId")).doesNotHaveDuplicates();
        }
    }
}
