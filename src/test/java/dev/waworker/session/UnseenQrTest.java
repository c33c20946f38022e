package dev.waworker.session;

import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Time nobody saw, on the manual clock: a QR whose {@code qr_generated} the broker did not confirm before it
 * expired spends no attempt; it is replaced silently, {@code qrIndex} going on. Once events are confirmed again,
 * the seed's rule applies to the QR on screen.
 */
class UnseenQrTest {

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    /** QR #1 is shown while the broker is away: its event is not confirmed. */
    private void showingQrWhileTheBrokerIsAway() {
        fixture.create(6);
        sink.holdConfirms();
        fixture.giveRefs(6, 6);
    }

    private WorkerEvent.QrGenerated qr(int position) {
        return (WorkerEvent.QrGenerated) sink.events.get(position);
    }

    @Test
    void qrsThatExpiredUnconfirmedAreReplacedWithoutSpendingTheBudget() {
        showingQrWhileTheBrokerIsAway();

        fixture.timers.advance(TTL);
        fixture.timers.advance(TTL);
        fixture.timers.advance(TTL);
        fixture.timers.advance(TTL);
        fixture.timers.advance(TTL);

        assertThat(fixture.view(6).attempt()).as("no attempt spent on QRs nobody saw").isZero();
        assertThat(fixture.view(6).qrIndex()).isEqualTo(6);
        assertThat(fixture.counter("whatsapp.qr.regenerations", "trigger", "unseen")).isEqualTo(5);
        assertThat(fixture.counter("whatsapp.qr.regenerations", "trigger", "expiry")).isZero();

        sink.confirmHeld();

        assertThat(sink.actions()).as("what was owed is delivered, in order, without qr_regenerating")
                .containsExactly("qr_generated", "qr_generated", "qr_generated", "qr_generated", "qr_generated",
                        "qr_generated");
        assertThat(sink.events).extracting(event -> ((WorkerEvent.QrGenerated) event).qrIndex())
                .containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void onceConfirmedAgainTheShownQrFollowsTheSeedsRule() {
        showingQrWhileTheBrokerIsAway();
        fixture.timers.advance(TTL);
        sink.confirmHeld();

        fixture.timers.advance(TTL);

        assertThat(sink.actions()).containsExactly("qr_generated", "qr_generated", "qr_regenerating",
                "qr_generated");
        WorkerEvent.QrRegenerating regenerating = sink.last(WorkerEvent.QrRegenerating.class);
        assertThat(regenerating.attempt()).isEqualTo(1);
        assertThat(regenerating.message()).isEqualTo("QR code expired. Generating new QR code (attempt 1/3)");
        assertThat(qr(3).qrIndex()).isEqualTo(3);
        assertThat(fixture.view(6).attempt()).isEqualTo(1);
    }

    @Test
    void aQrConfirmedLateButBeforeItExpiredCountsAsSeen() {
        showingQrWhileTheBrokerIsAway();
        fixture.timers.advance(TTL.minusSeconds(1));
        sink.confirmHeld();

        fixture.timers.advance(TTL);

        assertThat(sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated");
        assertThat(fixture.view(6).attempt()).isEqualTo(1);
    }
}
