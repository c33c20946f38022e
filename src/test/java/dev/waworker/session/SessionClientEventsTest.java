package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.waworker.testing.LogCapture;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.StoredDevice;

/** How the session layer reacts to what WhatsApp reports. */
class SessionClientEventsTest {

    private static final String OTHER_PHONE = "+33612345678";

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    @Test
    void aScanByAnotherAccountIsLoggedOutAndNeverConnected() {
        fixture.showingQr(6);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);

        client.emit(new ClientEvent.PairSuccess("33612345678:9@s.whatsapp.net", OTHER_PHONE, "android"));
        client.emit(new ClientEvent.Connected("33612345678:9@s.whatsapp.net", OTHER_PHONE));

        assertThat(sink.actions()).containsExactly("qr_generated", "error");
        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.PHONE_MISMATCH);
        assertThat(error.error()).contains(OTHER_PHONE).contains(PHONE);
        assertThat(client.calls).endsWith("logout", "close");
        assertThat(fixture.whatsApp.storedDevices()).isEmpty();
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.counter("whatsapp.validations", "outcome", "phone_mismatch")).isEqualTo(1);
        fixture.timers.advance(Duration.ofMinutes(2));
        assertThat(sink.actions()).as("the QR cycle stopped").hasSize(2);
    }

    @Test
    void aPairingRefusedByTheAdapterIsReportedAsMismatch() {
        fixture.showingQr(6);

        fixture.whatsApp.client(6).emit(new ClientEvent.PhoneMismatch(OTHER_PHONE));

        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.PHONE_MISMATCH);
        assertThat(fixture.hasSession(6)).isFalse();
    }

    @Test
    void phoneNumbersAreComparedByDigits() {
        fixture.showingQr(6);

        fixture.scan(6, "221771234567");

        assertThat(sink.actions()).containsExactly("qr_generated", "connected");
    }

    @Test
    void aLogoutFromThePhonePublishesDisconnectedAndForgetsTheDevice() {
        fixture.showingQr(6);
        fixture.scan(6, PHONE);

        fixture.whatsApp.client(6).emit(new ClientEvent.LoggedOut("device removed from the phone"));

        assertThat(sink.actions()).containsExactly("qr_generated", "connected", "disconnected");
        assertThat(sink.last(WorkerEvent.Disconnected.class).reason()).isEqualTo("device removed from the phone");
        assertThat(fixture.whatsApp.storedDevices()).isEmpty();
        assertThat(fixture.hasSession(6)).isFalse();
    }

    @Test
    void aDroppedConnectionRecoversQuietly() {
        fixture.showingQr(6);
        fixture.scan(6, PHONE);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);

        client.emit(new ClientEvent.Disconnected("keep-alive timeout"));
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTING);
        client.emit(new ClientEvent.Connected("221771234567:7@s.whatsapp.net", PHONE));

        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTED);
        assertThat(sink.actions()).containsExactly("qr_generated", "connected");
    }

    @Test
    void keepAliveHiccupsAreOnlyLogged() {
        fixture.showingQr(6);
        fixture.scan(6, PHONE);

        try (LogCapture logs = LogCapture.of(SessionManager.class)) {
            fixture.whatsApp.client(6).emit(new ClientEvent.KeepAliveTimeout(2));
            fixture.whatsApp.client(6).emit(new ClientEvent.KeepAliveRestored());

            assertThat(logs.messagesAboveDebug()).containsExactly(
                    "Session session_6_+221771234567: 2 keep-alive pings in a row went unanswered",
                    "Session session_6_+221771234567: keep-alive pings are answered again");
        }
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTED);
        assertThat(sink.actions()).containsExactly("qr_generated", "connected");
    }

    @Test
    void storedSessionsAreReconnectedAndAnnouncedAfterARestart() {
        fixture.storedDevice(6);
        fixture.whatsApp.stored.put(7L, new StoredDevice(7, "+221779999999", "221779999999:4@s.whatsapp.net"));

        fixture.handOver.restore(List.of());
        fixture.whatsApp.client(6).emit(new ClientEvent.Connected("221771234567:3@s.whatsapp.net", PHONE));

        assertThat(fixture.whatsApp.client(7).calls).containsExactly("connect");
        assertThat(sink.actions()).containsExactly("connected");
        WorkerEvent.Connected connected = sink.last(WorkerEvent.Connected.class);
        assertThat(connected.header().sessionId()).isEqualTo("session_6_+221771234567");
        assertThat(connected.header().correlationId()).isEmpty();
        assertThat(connected.jid()).isEqualTo("221771234567:3@s.whatsapp.net");
        assertThat(fixture.counter("whatsapp.validations", "outcome", "connected"))
                .as("a restore is not a validation").isZero();
    }

    @Test
    void connectionFailuresAreRetriedWithBackoffThenReportedAsConnectFailed() {
        fixture.create(6);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);

        client.emit(new ClientEvent.ConnectFailed("dial tcp: connection refused"));
        assertThat(client.calls).containsExactly("connect");
        fixture.timers.advance(Duration.ofMillis(1999));
        assertThat(client.calls).as("not before the 2 s back-off").containsExactly("connect");
        fixture.timers.advance(Duration.ofMillis(1));
        assertThat(client.calls).containsExactly("connect", "connect");

        client.emit(new ClientEvent.ConnectFailed("dial tcp: connection refused"));
        fixture.timers.advance(Duration.ofMillis(3999));
        assertThat(client.calls).as("the back-off doubles").hasSize(2);
        fixture.timers.advance(Duration.ofMillis(1));
        assertThat(client.calls).hasSize(3);

        client.emit(new ClientEvent.ConnectFailed("dial tcp: connection refused"));

        assertThat(sink.actions()).containsExactly("error");
        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.CONNECT_FAILED);
        assertThat(error.error()).contains("3 attempts").contains("connection refused");
        assertThat(client.calls).endsWith("close");
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.timers.activeCount()).isZero();
    }

    @Test
    void aSuccessfulConnectionResetsTheFailureCount() {
        fixture.create(6);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);
        client.emit(new ClientEvent.ConnectFailed("timeout"));
        client.emit(new ClientEvent.ConnectFailed("timeout"));
        fixture.giveRefs(6, 6);

        client.emit(new ClientEvent.ConnectFailed("timeout"));

        assertThat(sink.actions()).as("the earlier failures no longer count").containsExactly("qr_generated");
    }

    @Test
    void aConnectFailureOfAStoredDeviceKeepsItsCredentials() {
        fixture.storedDevice(6);
        fixture.handOver.restore(List.of());
        for (int i = 0; i < 3; i++) {
            fixture.whatsApp.client(6).emit(new ClientEvent.ConnectFailed("no route to host"));
            fixture.timers.advance(Duration.ofSeconds(10));
        }

        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.CONNECT_FAILED);
        assertThat(fixture.whatsApp.client(6).calls).doesNotContain("logout");
        assertThat(fixture.whatsApp.storedDevices()).hasSize(1);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(new ClientEvent.ClientOutdated("version 2.3000.1 refused"), ErrorCode.CLIENT_OUTDATED,
                        List.of("version 2.3000.1 refused", "the worker must be updated")),
                Arguments.of(new ClientEvent.TemporaryBan("101", Duration.ofHours(1)), ErrorCode.TEMPORARY_BAN,
                        List.of("code 101", "lifted in PT1H")));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void whatsAppRefusingTheClientEndsTheSessionWithItsReason(ClientEvent refusal, ErrorCode code,
            List<String> told) {
        fixture.create(6);
        fixture.whatsApp.client(6).emit(refusal);

        assertThat(sink.last(WorkerEvent.Error.class)).satisfies(error -> {
            assertThat(error.code()).isEqualTo(code);
            assertThat(told).allSatisfy(words -> assertThat(error.error()).contains(words));
        });
        assertThat(fixture.hasSession(6)).isFalse();
    }

    @Test
    void aPasskeyDemandEndsThePairingAtOnceAndSaysWhatTheUserCanDo() {
        fixture.showingQr(6);
        fixture.whatsApp.client(6).emit(new ClientEvent.PasskeyRequired("passkey"));

        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.PASSKEY_REQUIRED);
        assertThat(error.error()).contains("passkey").contains("pairingMethod \"code\"")
                .contains("Nothing was linked");
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.whatsApp.client(6).calls).doesNotContain("logout");
        // No QR is left to expire: the timeline ends here.
        int events = sink.events.size();
        fixture.timers.advance(Duration.ofMinutes(5));
        assertThat(sink.events).hasSize(events);
    }

    @Test
    void aScanWithoutMultideviceIsReportedAndPairingGoesOn() {
        fixture.showingQr(6);

        fixture.whatsApp.client(6).emit(new ClientEvent.ScannedWithoutMultidevice());
        fixture.timers.advance(TTL);

        assertThat(sink.actions()).containsExactly("qr_generated", "error", "qr_regenerating", "qr_generated");
        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.SCANNED_WITHOUT_MULTIDEVICE);
    }


    @Test
    void aReplacedStreamReleasesTheClientButKeepsTheDevice() {
        fixture.showingQr(6);
        fixture.scan(6, PHONE);

        fixture.whatsApp.client(6).emit(new ClientEvent.StreamReplaced());

        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.STREAM_REPLACED);
        assertThat(fixture.whatsApp.storedDevices()).hasSize(1);
        assertThat(fixture.hasSession(6)).isFalse();
    }

    @Test
    void aPairFailureEndsTheValidation() {
        fixture.showingQr(6);

        fixture.whatsApp.client(6).emit(new ClientEvent.PairFailed("bad signature"));

        assertThat(sink.last(WorkerEvent.Error.class).code()).isEqualTo(ErrorCode.PAIR_FAILED);
        assertThat(fixture.counter("whatsapp.validations", "outcome", "pair_failed")).isEqualTo(1);
    }

    @Test
    void timeToConnectedIsMeasuredFromTheFirstCreate() {
        fixture.showingQr(6);
        fixture.timers.advance(Duration.ofSeconds(25));

        fixture.scan(6, PHONE);

        var timer = fixture.meters.find("whatsapp.validation.time.to.connected").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.SECONDS)).isEqualTo(25.0);
        assertThat(fixture.sessionsIn(SessionState.CONNECTED)).isEqualTo(1.0);
        assertThat(fixture.sessionsIn(SessionState.PAIRING)).isZero();
    }
}
