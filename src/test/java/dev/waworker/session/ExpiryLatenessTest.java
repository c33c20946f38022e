package dev.waworker.session;

import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Timer;

import dev.waworker.whatsapp.ClientEvent;

/** How late the expiry of a shown QR is handled: measured per expiry, as {@code whatsapp.qr.expiry.lateness}. */
class ExpiryLatenessTest {

    private static final Instant SHOWN_AT = Instant.parse("2025-12-06T14:00:00Z");

    private final Pairing showing = Pairing.opening(PairingMethod.QR, Optional.empty(), Optional.empty())
            .validating(SHOWN_AT)
            .withRefs(new ClientEvent.QrCodes(List.of("2@ref-1", "2@ref-2"), TTL, TTL))
            .showingNextQr(SHOWN_AT);
    private final Instant due = SHOWN_AT.plus(TTL);

    @Test
    void theExpiryOfTheShownQrIsLateByTheTimeSinceItsDueInstant() {
        assertThat(showing.expiryLateness(showing.shownToken(), due.plusMillis(180)))
                .contains(Duration.ofMillis(180));
        assertThat(showing.expiryLateness(showing.shownToken(), due)).contains(Duration.ZERO);
    }

    @Test
    void aTimerThatFiresEarlyCountsAsOnTime() {
        assertThat(showing.expiryLateness(showing.shownToken(), due.minusMillis(5))).contains(Duration.ZERO);
    }

    @Test
    void aStaleExpiryIsNotMeasured() {
        Pairing replaced = showing.staleExpiry();

        assertThat(replaced.expiryLateness(showing.shownToken(), due.plusSeconds(1))).isEmpty();
    }

    @Test
    void nothingShownHasNoExpiryToMeasure() {
        Pairing opening = Pairing.opening(PairingMethod.QR, Optional.empty(), Optional.empty());

        assertThat(opening.expiryLateness(opening.shownToken(), due)).isEmpty();
    }

    @Test
    void eachExpiryTheRunnerHandlesIsRecordedWithItsLateness() {
        SessionFixture fixture = new SessionFixture();
        fixture.showingQr(6);
        fixture.timers.fireLate(Duration.ofMillis(250));

        fixture.timers.advance(TTL.multipliedBy(4).plusSeconds(1));

        assertThat(fixture.sink.actions()).as("the seed's timeline, unchanged by the measurement").containsExactly(
                "qr_generated", "qr_regenerating", "qr_generated", "qr_regenerating", "qr_generated",
                "qr_regenerating", "qr_generated", "error");
        Timer lateness = fixture.meters.find("whatsapp.qr.expiry.lateness").timer();
        assertThat(lateness.count()).as("three regenerations and the last expiry").isEqualTo(4);
        assertThat(lateness.max(TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(fixture.hasSession(6)).isFalse();
    }

    @Test
    void aQrScannedBeforeItsExpiryLeavesNoLatenessBehind() {
        SessionFixture fixture = new SessionFixture();
        fixture.showingQr(6);

        fixture.scan(6, SessionFixture.PHONE);
        fixture.timers.advance(TTL.plusSeconds(1));

        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTED);
        assertThat(fixture.meters.find("whatsapp.qr.expiry.lateness").timer().count()).isZero();
    }
}
