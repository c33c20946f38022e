package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.waworker.testing.LogCapture;
import dev.waworker.whatsapp.ClientEvent;

/**
 * Fault injection: whatever queued a lane step (a command, a client event, a timer), a step that throws ends its
 * number's validation with {@code INTERNAL_ERROR}, is logged once and counted, and the other numbers go on.
 */
class LaneFailureTest {

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    @Test
    void aCommandStepThatThrowsIsAnsweredWithInternalErrorAndTheWorkerServesTheRest() {
        fixture.whatsApp.failingCalls.put(6L, "connect");

        try (LogCapture logs = LogCapture.of(SessionManager.class)) {
            fixture.create(6);

            assertThat(logs.messagesAboveDebug()).filteredOn(line -> line.contains("number 6 failed"))
                    .as("logged once, with its number").hasSize(1);
        }

        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.header().numberId()).isEqualTo(6);
        assertThat(error.header().sessionId()).isEqualTo("session_6_" + PHONE);
        assertThat(error.header().correlationId()).contains("cmd-CREATE");
        assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(error.error()).isEqualTo("The worker failed while handling this number (IllegalStateException:"
                + " injected failure of connect). Nothing is running for it any more; please request a new"
                + " validation.");
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.whatsApp.client(6).calls).as("the client is released").endsWith("close");
        assertThat(fixture.counter("whatsapp.lane.failures", "step", "command")).isEqualTo(1);
        assertThat(fixture.sessionsIn(SessionState.PAIRING)).as("the gauges count no session left").isZero();

        fixture.showingQr(7);
        assertThat(sink.of(7)).extracting(WorkerEvent::action).containsExactly("qr_generated");
    }

    @Test
    void aTimerStepThatThrowsEndsTheValidationWithInternalError() {
        fixture.create(6);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);
        client.emit(new ClientEvent.ConnectFailed("connection refused"));
        fixture.whatsApp.failingCalls.put(6L, "connect");

        fixture.timers.advance(Duration.ofSeconds(2));

        assertThat(sink.actions()).containsExactly("error");
        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.timers.activeCount()).isZero();
        assertThat(fixture.counter("whatsapp.lane.failures", "step", "timer")).isEqualTo(1);
        assertThat(fixture.counter("whatsapp.validations", "outcome", "internal_error")).isEqualTo(1);
    }

    @Test
    void aClientEventStepThatThrowsEndsTheValidationWithInternalError() {
        fixture.create(6);
        fixture.whatsApp.failingCalls.put(6L, "disconnect");

        // A connection without refs makes the step ask for a new connection, whose disconnect throws.
        fixture.whatsApp.client(6).emit(new ClientEvent.QrCodes(List.of(), SessionFixture.TTL, SessionFixture.TTL));

        assertThat(sink.actions()).containsExactly("error");
        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.counter("whatsapp.lane.failures", "step", "client_event")).isEqualTo(1);
        assertThat(fixture.sessionsIn(SessionState.PAIRING)).isZero();
    }
}
