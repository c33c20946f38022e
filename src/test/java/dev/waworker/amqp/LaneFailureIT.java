package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;

import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClient;
import dev.waworker.whatsapp.WhatsAppClientFactory;
import dev.waworker.whatsapp.simulated.SimulatedClientFactory;

/**
 * Fault injection over the real broker: the WhatsApp side throws inside the lane step of one number's
 * {@code create}. The backend hears {@code INTERNAL_ERROR} for it, the command is not dead-lettered, and the
 * worker goes on serving other numbers.
 */
@WorkerIntegrationTest
@DirtiesContext
class LaneFailureIT extends WorkerTestBase {

    private static final long FAILING_NUMBER = 66;

    /** The simulator, except that opening a client for number 66 throws. */
    @TestConfiguration
    static class FaultyWhatsApp {
        @Bean
        @Primary
        WhatsAppClientFactory faultyWhatsApp(SimulatedClientFactory simulated) {
            return new WhatsAppClientFactory() {
                @Override
                public WhatsAppClient open(ClientSpec spec, ClientEventListener listener) {
                    if (spec.numberId() == FAILING_NUMBER) {
                        throw new IllegalStateException("injected: the bridge refused the client");
                    }
                    return simulated.open(spec, listener);
                }

                @Override
                public List<StoredDevice> storedDevices() {
                    return simulated.storedDevices();
                }

                @Override
                public boolean forget(long numberId) {
                    return simulated.forget(numberId);
                }
            };
        }
    }

    @Test
    void aThrowingLaneStepIsAnsweredWithInternalErrorAndTheWorkerServesTheRest() {
        backend.sendCommand("create", FAILING_NUMBER, "+221771234566");
        backend.sendCommand("create", 67, "+221771234567");

        BackendProbe.Event error = backend.awaitEvent(FAILING_NUMBER, "error");
        assertThat(error.json()).containsEntry("code", "INTERNAL_ERROR")
                .containsEntry("sessionId", "session_66_+221771234566");
        assertThat((String) error.get("error")).contains("injected: the bridge refused the client")
                .doesNotContain("\tat ").doesNotContain("Exception:\n");
        assertThat(backend.awaitEvent(67, "qr_generated").json()).containsEntry("qrIndex", 1);
        await().untilAsserted(() -> assertThat(meters.counter("whatsapp.lane.failures", "step", "command").count())
                .isEqualTo(1));
        assertThat(backend.messageCount(worker.deadLetterQueue())).as("the command was answered, not refused")
                .isZero();

        backend.sendCommand("create", 68, "+221771234568");
        assertThat(backend.awaitEvent(68, "qr_generated").json()).containsEntry("qrIndex", 1);
    }
}
