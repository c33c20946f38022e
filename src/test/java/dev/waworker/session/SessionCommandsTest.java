package dev.waworker.session;

import static dev.waworker.session.SessionCommand.Type.CLOSE;
import static dev.waworker.session.SessionCommand.Type.CREATE;
import static dev.waworker.session.SessionCommand.Type.RECONNECT;
import static dev.waworker.session.SessionCommand.Type.REGENERATE_QR;
import static dev.waworker.session.SessionFixture.PHONE;
import static dev.waworker.session.SessionFixture.TTL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;


/** What each command of the contract does in each situation a number can be in. */
class SessionCommandsTest {

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    private void pairingWithTwoExpiries(long numberId) {
        fixture.showingQr(numberId);
        fixture.timers.advance(TTL.multipliedBy(2));
        sink.clear();
    }

    @Nested
    class Create {

        @Test
        void whilePairingRepublishesTheCurrentQrInsteadOfOpeningAnotherSession() {
            fixture.showingQr(6);
            WorkerEvent.QrGenerated shown = sink.last(WorkerEvent.QrGenerated.class);
            fixture.timers.advance(Duration.ofSeconds(5));

            fixture.command(CREATE, 6, PHONE);

            WorkerEvent.QrGenerated again = sink.last(WorkerEvent.QrGenerated.class);
            assertThat(sink.actions()).containsExactly("qr_generated", "qr_generated");
            assertThat(again.qrCode()).isEqualTo(shown.qrCode());
            assertThat(again.qrIndex()).isEqualTo(1);
            assertThat(again.expiresAt()).isEqualTo(shown.expiresAt());
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
            assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect");
        }

        @ParameterizedTest
        @EnumSource(PairingMethod.class)
        void beforeTheFirstQrOrCodePublishesNothingAndOpensNothingMore(PairingMethod method) {
            fixture.command(CREATE, 6, PHONE, method);
            fixture.command(CREATE, 6, PHONE, method);

            assertThat(sink.events).isEmpty();
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
        }

        @Test
        void whenConnectedPublishesConnected() {
            fixture.connected(6);

            fixture.create(6);

            assertThat(sink.actions()).containsExactly("connected");
            assertThat(sink.last(WorkerEvent.Connected.class).message()).isEmpty();
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
        }

        @Test
        void validateIsTheSameCommand() {
            // The parser maps the alias; here it suffices that a second CREATE keeps the retry budget untouched.
            pairingWithTwoExpiries(6);

            fixture.create(6);

            assertThat(fixture.view(6).attempt()).isEqualTo(2);
        }

        @Test
        void forAnotherPhoneNumberClosesTheOldSessionFirst() {
            fixture.connected(6);

            fixture.command(CREATE, 6, "+221770000000");

            assertThat(sink.actions()).containsExactly("disconnected");
            assertThat(sink.last(WorkerEvent.Disconnected.class).header().sessionId())
                    .isEqualTo("session_6_+221771234567");
            assertThat(fixture.whatsApp.clientsOf(6).getFirst().calls).contains("logout", "close");
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(2);
            assertThat(fixture.view(6).sessionId()).isEqualTo("session_6_+221770000000");
        }
    }

    @Nested
    class RegenerateQr {

        @Test
        void whenConnectedAnswersConnectedWithTheContractMessage() {
            fixture.connected(6);

            fixture.command(REGENERATE_QR, 6, PHONE);

            WorkerEvent.Connected connected = sink.last(WorkerEvent.Connected.class);
            assertThat(sink.actions()).containsExactly("connected");
            assertThat(connected.message()).contains("Session already connected. No QR needed.");
            assertThat(connected.header().correlationId()).contains("cmd-REGENERATE_QR");
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
        }

        @Test
        void whilePairingClosesTheOldSessionResetsTheCounterAndShowsANewQr() {
            pairingWithTwoExpiries(6);
            FakeWhatsApp.FakeClient old = fixture.whatsApp.client(6);

            fixture.command(REGENERATE_QR, 6, PHONE);
            fixture.giveRefs(6, 6);

            assertThat(old.calls).endsWith("close");
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(2);
            assertThat(fixture.view(6).attempt()).isZero();
            WorkerEvent.QrGenerated qr = sink.last(WorkerEvent.QrGenerated.class);
            assertThat(sink.actions()).containsExactly("qr_generated");
            assertThat(qr.qrIndex()).as("a fresh start numbers QRs from 1 again").isEqualTo(1);
            assertThat(fixture.counter("whatsapp.qr.regenerations", "trigger", "manual")).isEqualTo(1);

            fixture.timers.advance(TTL.multipliedBy(3));
            assertThat(sink.actions()).as("the whole budget of 3 is available again").containsExactly(
                    "qr_generated", "qr_regenerating", "qr_generated", "qr_regenerating", "qr_generated",
                    "qr_regenerating", "qr_generated");
        }

        @Test
        void eventsOfTheReplacedClientAreIgnored() {
            fixture.showingQr(6);
            FakeWhatsApp.FakeClient old = fixture.whatsApp.client(6);
            fixture.command(REGENERATE_QR, 6, PHONE);
            sink.clear();

            old.emit(new dev.waworker.whatsapp.ClientEvent.Connected("221771234567:1@s.whatsapp.net", PHONE));

            assertThat(sink.events).isEmpty();
            assertThat(fixture.view(6).state()).isEqualTo(SessionState.PAIRING);
        }

        @Test
        void forAnUnknownNumberStartsAValidation() {
            fixture.command(REGENERATE_QR, 6, PHONE);
            fixture.giveRefs(6, 6);

            assertThat(sink.actions()).containsExactly("qr_generated");
        }

        @Test
        void hasNoLimit() {
            fixture.create(6);
            for (int i = 0; i < 10; i++) {
                fixture.command(REGENERATE_QR, 6, PHONE);
                fixture.giveRefs(6, 6);
            }
            assertThat(sink.actions()).hasSize(10).containsOnly("qr_generated");
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(11);
            assertThat(fixture.whatsApp.clientsOf(6).subList(0, 10)).allMatch(c -> c.calls.contains("close"));
        }

        @Test
        void dropsAStoredDeviceThatHasNoLiveSession() {
            fixture.storedDevice(6);

            fixture.command(REGENERATE_QR, 6, PHONE);

            assertThat(fixture.whatsApp.forgotten).containsExactly(6L);
            assertThat(fixture.view(6).state()).isEqualTo(SessionState.PAIRING);
        }
    }

    @Nested
    class Close {

        @Test
        void logsTheDeviceOutAndPublishesDisconnected() {
            FakeWhatsApp.FakeClient client = fixture.connected(6);

            fixture.command(CLOSE, 6, PHONE);

            assertThat(sink.events).singleElement().isInstanceOfSatisfying(WorkerEvent.Disconnected.class,
                    disconnected -> assertThat(disconnected.reason()).isEqualTo("closed by backend"));
            assertThat(fixture.hasSession(6)).isFalse();
            assertThat(client.calls).as("unlinked, then released").endsWith("logout", "close");
            assertThat(fixture.whatsApp.storedDevices()).isEmpty();
        }

        @Test
        void whilePairingStopsTheQrCycle() {
            fixture.showingQr(6);
            sink.clear();

            fixture.command(CLOSE, 6, PHONE);
            fixture.timers.advance(Duration.ofMinutes(2));

            assertThat(sink.actions()).containsExactly("disconnected");
            assertThat(fixture.counter("whatsapp.validations", "outcome", "closed")).isEqualTo(1);
        }

        @Test
        void ofAnUnknownNumberDoesNothing() {
            fixture.command(CLOSE, 99, PHONE);

            assertThat(sink.events).isEmpty();
            assertThat(fixture.whatsApp.clientsOf(99)).isEmpty();
        }

        @Test
        void ofANumberWhoseSessionRanOnAWorkerThatDiedEndsItsValidation() {
            fixture.recorded.put(6L, new NumberStatus(6, "session_6_" + PHONE, NumberStatus.State.PAIRING,
                    Optional.of(SessionFixture.START), Optional.of(PairingMethod.QR), 0, 1, Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));

            fixture.command(CLOSE, 6, PHONE);

            assertThat(sink.events).singleElement().isInstanceOfSatisfying(WorkerEvent.Disconnected.class,
                    disconnected -> assertThat(disconnected.reason()).isEqualTo("closed by backend"));
            assertThat(fixture.whatsApp.clientsOf(6)).isEmpty();
        }

        @Test
        void ofANumberWhoseLastSessionEndedDoesNothing() {
            fixture.recorded.put(6L, new NumberStatus(6, "session_6_" + PHONE, NumberStatus.State.DISCONNECTED,
                    Optional.of(SessionFixture.START), Optional.empty(), 0, 0, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.of("closed by backend")));

            fixture.command(CLOSE, 6, PHONE);

            assertThat(sink.events).isEmpty();
        }

        @Test
        void ofAStoredDeviceWithoutLiveSessionDeletesIt() {
            fixture.storedDevice(6);

            fixture.command(CLOSE, 6, PHONE);

            assertThat(fixture.whatsApp.stored).isEmpty();
            assertThat(sink.last(WorkerEvent.Disconnected.class).reason()).isEqualTo("closed by backend");
        }
    }

    @Nested
    class Reconnect {

        @Test
        void aConnectedSessionReconnectsWithItsCredentialsAndAnnouncesIt() {
            fixture.connected(6);

            fixture.command(RECONNECT, 6, PHONE);

            FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);
            assertThat(fixture.whatsApp.clientsOf(6)).as("the same client").hasSize(1);
            assertThat(client.calls).endsWith("disconnect", "connect");
            assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTING);
            client.emit(new dev.waworker.whatsapp.ClientEvent.Connected("221771234567:7@s.whatsapp.net", PHONE));
            assertThat(sink.actions()).containsExactly("connected");
        }

        @Test
        void anUnpairedSessionStartsAFreshQrCycle() {
            pairingWithTwoExpiries(6);

            fixture.command(RECONNECT, 6, PHONE);
            fixture.giveRefs(6, 6);

            assertThat(fixture.view(6).attempt()).isZero();
            assertThat(sink.last(WorkerEvent.QrGenerated.class).qrIndex()).isEqualTo(1);
            assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
        }

        @Test
        void aStoredDeviceWithoutLiveSessionIsConnected() {
            fixture.storedDevice(6);

            fixture.command(RECONNECT, 6, PHONE);

            assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTING);
            assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect");
        }
    }

    @Test
    void commandsCarryTheirCorrelationIdToTheEventsTheyCause() {
        fixture.manager.handle(new SessionCommand(CREATE, 6, PHONE, PairingMethod.QR, Optional.of("msg-42"))).toCompletableFuture()
                .join();
        fixture.giveRefs(6, 6);
        fixture.timers.advance(TTL);

        assertThat(sink.events).allMatch(event -> event.header().correlationId().equals(Optional.of("msg-42")));
    }
}
