package dev.waworker.session;

import static dev.waworker.session.FakeWhatsApp.CODE_TTL;
import static dev.waworker.session.SessionCommand.Type.CREATE;
import static dev.waworker.session.SessionCommand.Type.REGENERATE_QR;
import static dev.waworker.session.SessionFixture.PHONE;
import static dev.waworker.session.SessionFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.waworker.testing.LogCapture;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.PairingCode;

/** Pairing by code ({@code pairingMethod: "code"}): one code per connection, under the QR retry rule. */
class PairingCodeTest {

    private final SessionFixture fixture = new SessionFixture();
    private final RecordingSink sink = fixture.sink;

    private void pairingByQrWithOneExpiry(long numberId) {
        fixture.showingQr(numberId);
        fixture.timers.advance(SessionFixture.TTL);
        assertThat(fixture.view(numberId).attempt()).isEqualTo(1);
        sink.clear();
    }

    @Test
    void theCodeIsAskedForOnceTheConnectionIsUpAndPublishedInsteadOfAQr() {
        fixture.createByCode(6);
        assertThat(fixture.whatsApp.client(6).calls).as("a code needs a live connection first")
                .containsExactly("connect");
        assertThat(sink.events).isEmpty();

        fixture.giveRefs(6, 6);

        assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect", "requestPairingCode");
        assertThat(sink.actions()).as("the connection's QR refs are not shown").containsExactly("pairing_code");
        WorkerEvent.PairingCode code = sink.last(WorkerEvent.PairingCode.class);
        assertThat(code.code()).isEqualTo("CODE-0001");
        assertThat(code.expiresAt()).isEqualTo(START.plus(CODE_TTL));
        assertThat(code.header().sessionId()).isEqualTo("session_6_+221771234567");
        assertThat(code.header().correlationId()).contains("cmd-CREATE");
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.PAIRING);
        assertThat(fixture.counter("whatsapp.pairing.codes.generated")).isEqualTo(1);
        assertThat(fixture.counter("whatsapp.qr.generated")).isZero();
    }

    @Test
    void anExpiredCodeIsReplacedOnAFreshConnectionAfterQrRegenerating() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);

        fixture.timers.advance(CODE_TTL.minusSeconds(1));
        assertThat(sink.actions()).as("alive until its ttl is over").containsExactly("pairing_code");
        fixture.timers.advance(Duration.ofSeconds(1));

        assertThat(sink.actions()).containsExactly("pairing_code", "qr_regenerating");
        WorkerEvent.QrRegenerating regenerating = sink.last(WorkerEvent.QrRegenerating.class);
        assertThat(regenerating.attempt()).isEqualTo(1);
        assertThat(regenerating.maxAttempts()).isEqualTo(3);
        assertThat(regenerating.message())
                .isEqualTo("Pairing code expired. Generating new pairing code (attempt 1/3)");
        assertThat(client.calls).as("a code belongs to its connection: a new one is opened")
                .containsExactly("connect", "requestPairingCode", "disconnect", "connect");

        fixture.giveRefs(6, 6);

        WorkerEvent.PairingCode next = sink.last(WorkerEvent.PairingCode.class);
        assertThat(sink.actions()).containsExactly("pairing_code", "qr_regenerating", "pairing_code");
        assertThat(next.code()).isEqualTo("CODE-0002");
        assertThat(next.expiresAt()).isEqualTo(START.plus(CODE_TTL.multipliedBy(2)));
        assertThat(fixture.view(6).attempt()).isEqualTo(1);
        assertThat(fixture.counter("whatsapp.qr.regenerations", "trigger", "expiry")).isEqualTo(1);
    }

    @Test
    void theSameRetryBudgetAsQrsEndsInQrRetriesExhausted() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);
        for (int expiry = 1; expiry <= 3; expiry++) {
            fixture.timers.advance(CODE_TTL);
            fixture.giveRefs(6, 6);
        }
        assertThat(fixture.hasSession(6)).as("the fourth code is still live").isTrue();

        fixture.timers.advance(CODE_TTL);

        assertThat(sink.actions()).containsExactly(
                "pairing_code",
                "qr_regenerating", "pairing_code",
                "qr_regenerating", "pairing_code",
                "qr_regenerating", "pairing_code",
                "error");
        assertThat(sink.events.stream().filter(WorkerEvent.PairingCode.class::isInstance)
                .map(event -> ((WorkerEvent.PairingCode) event).code()))
                .containsExactly("CODE-0001", "CODE-0002", "CODE-0003", "CODE-0004");
        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.QR_RETRIES_EXHAUSTED);
        assertThat(error.error())
                .isEqualTo("QR code generation failed after 3 attempts. Please request a new validation.");
        assertThat(error.header().timestamp()).isEqualTo(at(CODE_TTL.multipliedBy(4)));
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.whatsApp.client(6).calls).endsWith("close");
        assertThat(fixture.timers.activeCount()).isZero();
        assertThat(fixture.counter("whatsapp.validations", "outcome", "qr_retries_exhausted")).isEqualTo(1);
    }

    @Test
    void thePhoneEnteringTheCodeConnectsTheNumberAndEndsTheCycle() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);
        fixture.timers.advance(CODE_TTL); // one regeneration used
        fixture.giveRefs(6, 6);

        fixture.scan(6, PHONE);

        assertThat(sink.actions()).containsExactly("pairing_code", "qr_regenerating", "pairing_code", "connected");
        assertThat(sink.last(WorkerEvent.Connected.class).phoneNumber()).isEqualTo(PHONE);
        assertThat(fixture.view(6).state()).isEqualTo(SessionState.CONNECTED);
        assertThat(fixture.view(6).attempt()).isZero();
        assertThat(fixture.timers.activeCount()).as("no code expiry left behind").isZero();
        fixture.timers.advance(Duration.ofMinutes(10));
        assertThat(sink.actions()).hasSize(4);
    }

    @Test
    void anIdempotentCreateRepublishesTheLiveCodeWithoutAskingForAnother() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);
        WorkerEvent.PairingCode shown = sink.last(WorkerEvent.PairingCode.class);
        fixture.timers.advance(Duration.ofSeconds(30));

        fixture.createByCode(6);
        fixture.command(CREATE, 6, PHONE, PairingMethod.QR);

        assertThat(sink.actions()).as("create keeps the session's method").containsExactly(
                "pairing_code", "pairing_code", "pairing_code");
        for (WorkerEvent event : sink.events) {
            WorkerEvent.PairingCode again = (WorkerEvent.PairingCode) event;
            assertThat(again.code()).isEqualTo(shown.code());
            assertThat(again.expiresAt()).isEqualTo(shown.expiresAt());
        }
        assertThat(fixture.whatsApp.clientsOf(6)).hasSize(1);
        assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect", "requestPairingCode");
    }

    @Test
    void whenWhatsAppHandsOutNoCodeThePairingFailsAndTheSessionEnds() {
        fixture.whatsApp.pairingCodes = () -> {
            throw new IllegalStateException("rate-overlimit");
        };
        fixture.createByCode(6);

        fixture.giveRefs(6, 6);

        assertThat(sink.actions()).containsExactly("error");
        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.PAIR_FAILED);
        assertThat(error.error()).isEqualTo(
                "WhatsApp did not provide a pairing code (rate-overlimit). Please request a new validation.");
        assertThat(fixture.hasSession(6)).isFalse();
        assertThat(fixture.whatsApp.client(6).calls).containsExactly("connect", "requestPairingCode", "close");
        assertThat(fixture.timers.activeCount()).isZero();
        assertThat(fixture.counter("whatsapp.validations", "outcome", "pair_failed")).isEqualTo(1);

        fixture.whatsApp.pairingCodes = () -> new PairingCode("ABCD-EFGH", CODE_TTL);
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);
        assertThat(sink.last(WorkerEvent.PairingCode.class).code()).as("a new create starts over")
                .isEqualTo("ABCD-EFGH");
    }

    @Test
    void theConnectionDroppingWhileACodeIsShownIsHandledByTheCodesExpiry() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);
        FakeWhatsApp.FakeClient client = fixture.whatsApp.client(6);

        client.emit(new ClientEvent.Disconnected("the connection to WhatsApp was closed"));
        assertThat(client.calls).containsExactly("connect", "requestPairingCode");
        fixture.timers.advance(CODE_TTL);

        assertThat(sink.actions()).containsExactly("pairing_code", "qr_regenerating");
        assertThat(client.calls).containsExactly("connect", "requestPairingCode", "disconnect", "connect");
    }

    @Test
    void anotherAccountEnteringTheCodeIsRefusedInTheCodesWords() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);

        fixture.whatsApp.client(6).emit(new ClientEvent.PhoneMismatch("+221700000000"));

        WorkerEvent.Error error = sink.last(WorkerEvent.Error.class);
        assertThat(error.code()).isEqualTo(ErrorCode.PHONE_MISMATCH);
        assertThat(error.error()).startsWith(
                "The WhatsApp account that entered the pairing code (+221700000000) is not +221771234567.");
        assertThat(fixture.hasSession(6)).isFalse();
    }

    /** regenerate_qr opens a new client, reconnect reconnects the session's own: both start over by code. */
    @ParameterizedTest
    @CsvSource({"REGENERATE_QR, 2, connect|requestPairingCode",
            "RECONNECT, 1, connect|disconnect|connect|requestPairingCode"})
    void startingOverOfAnUnpairedSessionUsesTheMethodTheCommandNames(SessionCommand.Type type, int clients,
            String callsOfTheLastClient) {
        pairingByQrWithOneExpiry(6);

        fixture.command(type, 6, PHONE, PairingMethod.CODE);
        fixture.giveRefs(6, 6);

        assertThat(sink.actions()).containsExactly("pairing_code");
        assertThat(fixture.view(6).attempt()).isZero();
        assertThat(fixture.whatsApp.clientsOf(6)).hasSize(clients);
        assertThat(fixture.whatsApp.client(6).calls).containsExactly(callsOfTheLastClient.split("\\|"));
    }

    @Test
    void regenerateQrSwitchesBackToQrsNumberedFromOne() {
        fixture.createByCode(6);
        fixture.giveRefs(6, 6);

        fixture.command(REGENERATE_QR, 6, PHONE, PairingMethod.QR);
        fixture.giveRefs(6, 6);

        assertThat(sink.actions()).containsExactly("pairing_code", "qr_generated");
        assertThat(sink.last(WorkerEvent.QrGenerated.class).qrIndex()).isEqualTo(1);
    }

    @Test
    void theCodeIsNeverLoggedAboveDebug() {
        try (LogCapture logs = LogCapture.of(SessionManager.class)) {
            fixture.createByCode(6);
            fixture.giveRefs(6, 6);
            fixture.timers.advance(CODE_TTL);
            fixture.giveRefs(6, 6);

            assertThat(logs.messagesAboveDebug()).contains(
                    "Creating new WhatsApp session: session_6_+221771234567",
                    "Pairing code generated for session_6_+221771234567",
                    "Pairing code sent to backend for number 6",
                    "Pairing code expired for session_6_+221771234567. Attempt 1/3",
                    "Regenerating pairing code for session_6_+221771234567 (attempt 1/3)...");
            assertThat(logs.messagesAboveDebug()).noneMatch(message -> message.contains("CODE-000"));
            assertThat(logs.debugMessages()).as("DEBUG may show it, for troubleshooting")
                    .anyMatch(message -> message.contains("CODE-0001"))
                    .anyMatch(message -> message.contains("CODE-0002"));
        }
    }

    private static Instant at(Duration sinceStart) {
        return START.plus(sinceStart);
    }
}
