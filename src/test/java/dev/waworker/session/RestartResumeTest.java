package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static dev.waworker.session.SessionFixture.START;
import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.waworker.whatsapp.StoredDevice;

/**
 * After a restart, on the manual clock: every session the last run left in its records goes on (a new connection
 * and QR, on the same budget, qrIndex going on) or ends with an error telling the backend what to do.
 */
class RestartResumeTest {

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    private static ValidationRecord record(long numberId, SessionState state, int attempt, int qrIndex) {
        return new ValidationRecord(numberId, PHONE, PairingMethod.QR, Optional.of("cmd-before"), state, attempt,
                qrIndex, Optional.of(START.minusSeconds(60)));
    }

    @Test
    void aValidationInProgressGoesOnWithANewQrOnTheSameBudget() {
        fixture.handOver.restore(List.of(record(6, SessionState.PAIRING, 2, 3)));

        assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect");
        fixture.giveRefs(6, 6);
        assertThat(sink.last(WorkerEvent.QrGenerated.class).qrIndex()).as("qrIndex goes on").isEqualTo(4);
        assertThat(sink.last(WorkerEvent.QrGenerated.class).header().correlationId()).contains("cmd-before");
        assertThat(fixture.view(6).attempt()).isEqualTo(2);

        fixture.timers.advance(TTL);
        fixture.timers.advance(TTL);

        assertThat(sink.actions()).containsExactly("qr_generated", "qr_regenerating", "qr_generated", "error");
        assertThat(sink.last(WorkerEvent.QrRegenerating.class).attempt()).isEqualTo(3);
        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.QR_RETRIES_EXHAUSTED);
    }

    /**
     * A take-over reads the records, then queues each on its number's lane; a step already on that lane may end the
     * session first (a scan by the wrong account): the stale record is not taken up, and nothing is published twice.
     */
    @Test
    void aRecordWhoseSessionEndedBeforeItsTurnIsNotTakenUp() {
        fixture.recorded.put(6L, new NumberStatus(6, "session_6_" + PHONE, NumberStatus.State.FAILED,
                Optional.of(START), Optional.empty(), 0, 1, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(ErrorCode.PHONE_MISMATCH), Optional.of("wrong account")));

        fixture.handOver.restore(List.of(record(6, SessionState.PAIRING, 0, 1)));

        assertThat(fixture.whatsApp.clientsOf(6)).isEmpty();
        assertThat(sink.events).isEmpty();
        assertThat(fixture.hasSession(6)).isFalse();
    }

    @Test
    void aNumberScannedJustBeforeTheRestartConnectsWhenItsDeviceIsStored() {
        fixture.whatsApp.stored.put(6L, new StoredDevice(6, PHONE, "221771234567:7@s.whatsapp.net"));

        fixture.handOver.restore(List.of(record(6, SessionState.LINKING, 0, 1)));

        assertThat(fixture.whatsApp.clientsOf(6)).as("one session: the stored device's").hasSize(1);
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTING);
    }

    @Test
    void aConnectedNumberWhoseDeviceIsGoneEndsWithSessionLost() {
        fixture.handOver.restore(List.of(record(6, SessionState.CONNECTED, 0, 0)));

        assertThat(fixture.hasSession(6)).isFalse();
        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.SESSION_LOST);
        assertThat(error.error()).endsWith("Please request a new validation.");
        assertThat(error.header().sessionId()).isEqualTo("session_6_" + PHONE);
    }

    @Test
    void aCommandThatArrivedFirstKeepsItsSession() {
        fixture.create(6);

        fixture.handOver.restore(List.of(record(6, SessionState.PAIRING, 1, 2)));

        assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
        assertThat(fixture.view(6).attempt()).isZero();
    }

    @Test
    void theTimeToConnectedCountsFromTheValidationsFirstStart() {
        fixture.handOver.restore(List.of(record(6, SessionState.PAIRING, 0, 1)));
        fixture.giveRefs(6, 6);

        fixture.scan(6, PHONE);

        var timer = fixture.meters.find("whatsapp.validation.time.to.connected").timer();
        assertThat(timer.totalTime(TimeUnit.SECONDS)).as("from the first start, a minute before").isEqualTo(60);
    }
}
