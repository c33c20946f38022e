package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static dev.waworker.session.SessionFixture.START;
import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.testing.ManualClock;
import dev.waworker.whatsapp.ClientEvent;

/**
 * The lane runner with a journal that only records, as the outbox does, and confirms reported by hand, as the relay
 * reports them: the session names its events, and only the confirm of the event that announced the shown QR makes
 * that QR seen.
 */
class DeliveryNoticesTest {

    private final ManualClock clock = new ManualClock(START);
    private final ManualTimers timers = new ManualTimers(clock);
    private final FakeWhatsApp whatsApp = new FakeWhatsApp();
    private final List<StepRecord> written = new CopyOnWriteArrayList<>();
    private final SessionManager manager = new SessionManager(whatsApp, new QrCodeRenderer(), written::add,
            new SessionSettings(3, 3, Duration.ofSeconds(2)), clock, timers, new SessionMetrics(
                    new SimpleMeterRegistry()), Runnable::run);

    private String showQr() {
        manager.handle(new SessionCommand(SessionCommand.Type.CREATE, 6, PHONE, PairingMethod.QR, Optional.empty()))
                .toCompletableFuture().join();
        whatsApp.client(6).emit(new ClientEvent.QrCodes(List.of("ref-1", "ref-2"), TTL, TTL));
        return written.getLast().events().getFirst().eventId();
    }

    private List<String> actionsWritten() {
        return written.stream().flatMap(step -> step.events().stream()).map(owed -> owed.event().action()).toList();
    }

    @Test
    void eachStepIsWrittenWithItsRecordAndTheEventsUnderIdsTheSessionGave() {
        String qrEvent = showQr();

        assertThat(written).first().satisfies(command -> {
            assertThat(command.change()).isInstanceOfSatisfying(StepRecord.Change.Save.class,
                    save -> assertThat(save.validation().state()).isEqualTo(SessionState.PAIRING));
            assertThat(command.events()).isEmpty();
        });
        assertThat(written.getLast().events()).singleElement()
                .satisfies(owed -> assertThat(owed.event()).isInstanceOf(WorkerEvent.QrGenerated.class));
        assertThat(qrEvent).matches("[0-9a-f-]{36}");
    }

    @Test
    void theConfirmOfTheQrsEventMakesItsExpirySpendAnAttempt() {
        String qrEvent = showQr();
        manager.delivered(6, qrEvent);

        timers.advance(TTL);

        assertThat(actionsWritten()).containsExactly("qr_generated", "qr_regenerating", "qr_generated");
        assertThat(manager.view(6).join()).hasValueSatisfying(view -> assertThat(view.attempt()).isEqualTo(1));
    }

    @Test
    void onlyTheConfirmsOfWhatASessionShowsAreAwaited() {
        showQr();
        String qrAction = written.getLast().events().getFirst().event().action();

        assertThat(manager.awaits(qrAction)).isTrue();
        assertThat(manager.awaits(new WorkerEvent.PairingCode(new EventHeader(6, "s", START, Optional.empty()),
                "ABCD-EFGH", START).action())).isTrue();
        assertThat(manager.awaits("qr_regenerating")).isFalse();
        assertThat(manager.awaits("status")).isFalse();
    }

    @Test
    void aConfirmOfAnotherEventLeavesTheQrUnseen() {
        showQr();
        manager.delivered(6, "some-other-event");
        manager.delivered(7, "an-event-of-a-number-without-session");

        timers.advance(TTL);

        assertThat(actionsWritten()).as("replaced silently").containsExactly("qr_generated", "qr_generated");
        assertThat(manager.view(6).join()).hasValueSatisfying(view -> assertThat(view.attempt()).isZero());
        assertThat(manager.view(7).join()).isEmpty();
    }
}
