package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.waworker.session.SessionMetrics.Outcome;
import dev.waworker.session.SessionMetrics.RegenerationTrigger;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.PairingCode;

/**
 * The state machine alone: each transition is given the time and returns its effects; nothing runs. The
 * SessionManager tests check the same rules once the effects are carried out.
 */
class NumberValidationTest {

    private static final Instant T0 = Instant.parse("2025-12-06T14:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(20);
    private static final String PHONE = "+221771234567";
    private static final SessionSettings SETTINGS = new SessionSettings(3, 3, Duration.ofSeconds(2));

    private static SessionCommand create(PairingMethod method) {
        return new SessionCommand(SessionCommand.Type.CREATE, 6, PHONE, method, Optional.of("cmd-1"));
    }

    private static ClientEvent.QrCodes refs(int count) {
        return new ClientEvent.QrCodes(java.util.stream.IntStream.rangeClosed(1, count).mapToObj(i -> "ref-" + i)
                .toList(), TTL, TTL);
    }

    private static EventHeader header(Instant at) {
        return new EventHeader(6, "session_6_" + PHONE, at, Optional.of("cmd-1"));
    }

    private final NumberValidation validation = new NumberValidation(create(PairingMethod.QR), SETTINGS);

    @Test
    void aCommandWithoutSessionStartsOne() {
        assertThat(NumberValidation.withoutSession(create(PairingMethod.QR), T0))
                .containsExactly(new Effect.Start(create(PairingMethod.QR), Optional.empty()));
    }

    @Test
    void anUnpairedClientConnectsAndShowsTheFirstRefForItsLifetime() {
        assertThat(validation.onClientOpened(false, Optional.empty(), Optional.empty(), T0)).containsExactly(Effect.CONNECT);

        List<Effect> shown = validation.onClientEvent(refs(2), T0.plusSeconds(1));

        Shown.Qr qr = new Shown.Qr("ref-1", T0.plusSeconds(21), 1);
        assertThat(shown).containsExactly(new Effect.Announce(qr, header(T0.plusSeconds(1)), true, 1),
                new Effect.ScheduleExpiry(T0.plusSeconds(21), 1));
        assertThat(validation.view()).isEqualTo(new SessionView(6, "session_6_" + PHONE, SessionState.PAIRING, 0, 1));
    }

    @Test
    void eachExpiryAnnouncesTheAttemptThenTheNextQrAndTheLastOneGivesUp() {
        validation.onClientOpened(false, Optional.empty(), Optional.empty(), T0);
        validation.onClientEvent(refs(2), T0);
        validation.onShownDelivered(1);

        Instant first = T0.plusSeconds(20);
        assertThat(validation.onShownExpired(1, first)).containsExactly(
                new Effect.CountRegeneration(RegenerationTrigger.EXPIRY),
                new Effect.Publish(new WorkerEvent.QrRegenerating(header(first), 1, 3,
                        "QR code expired. Generating new QR code (attempt 1/3)")),
                new Effect.Announce(new Shown.Qr("ref-2", first.plus(TTL), 2), header(first), true, 2),
                new Effect.ScheduleExpiry(first.plus(TTL), 2));
        assertThat(validation.onShownExpired(1, first)).as("a stale timer does nothing").isEmpty();

        Instant second = first.plus(TTL);
        validation.onShownDelivered(2);
        assertThat(validation.onShownExpired(2, second)).as("the connection's refs ran out: a new connection")
                .endsWith(Effect.DISCONNECT, Effect.CONNECT);
        validation.onClientEvent(refs(6), second);
        validation.onShownDelivered(3);
        validation.onShownExpired(3, second.plus(TTL));
        validation.onShownDelivered(4);

        Instant last = second.plus(TTL).plus(TTL);
        assertThat(validation.onShownExpired(4, last)).containsExactly(
                new Effect.ValidationFinished(Outcome.QR_RETRIES_EXHAUSTED, Optional.empty()),
                new Effect.End(false),
                new Effect.Publish(new WorkerEvent.Error(header(last), ErrorCode.QR_RETRIES_EXHAUSTED,
                        "QR code generation failed after 3 attempts. Please request a new validation.")));
        assertThat(validation.view().attempt()).isEqualTo(3);
        assertThat(validation.view().qrIndex()).isEqualTo(4);
    }

    @Test
    void pairingByCodeAsksWhatsAppThenShowsTheCodeFromItsAnswer() {
        NumberValidation byCode = new NumberValidation(create(PairingMethod.CODE), SETTINGS);
        byCode.onClientOpened(false, Optional.empty(), Optional.empty(), T0);

        assertThat(byCode.onClientEvent(refs(6), T0)).containsExactly(Effect.REQUEST_PAIRING_CODE);

        Instant answered = T0.plusSeconds(2);
        Shown.Code code = new Shown.Code("ABCD-EFGH", answered.plusSeconds(160));
        assertThat(byCode.onPairingCode(new PairingCode("ABCD-EFGH", Duration.ofSeconds(160)), answered))
                .containsExactly(new Effect.Announce(code, header(answered), true, 1),
                        new Effect.ScheduleExpiry(code.expiresAt(), 1));
    }

    @Test
    void aScanByAnotherAccountLogsItOutAndReportsTheMismatch() {
        validation.onClientOpened(false, Optional.empty(), Optional.empty(), T0);
        validation.onClientEvent(refs(6), T0);

        List<Effect> effects = validation.onClientEvent(
                new ClientEvent.PairSuccess("33612345678:9@s.whatsapp.net", "+33612345678", "android"), T0);

        assertThat(effects).hasSize(3).startsWith(new Effect.ValidationFinished(Outcome.PHONE_MISMATCH,
                Optional.empty()), new Effect.End(true));
        assertThat(((Effect.Publish) effects.get(2)).event()).isInstanceOfSatisfying(WorkerEvent.Error.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.PHONE_MISMATCH));
    }

    @Test
    void theConnectionMeasuresTheValidationFromItsStart() {
        validation.onClientOpened(false, Optional.empty(), Optional.empty(), T0);
        validation.onClientEvent(refs(6), T0);
        validation.onClientEvent(new ClientEvent.PairSuccess("221771234567:7@s.whatsapp.net", PHONE, "android"), T0);

        Instant now = T0.plusSeconds(30);
        List<Effect> effects = validation.onClientEvent(
                new ClientEvent.Connected("221771234567:7@s.whatsapp.net", PHONE), now);

        assertThat(effects).containsExactly(Effect.CANCEL_TIMERS,
                new Effect.ValidationFinished(Outcome.CONNECTED, Optional.of(Duration.ofSeconds(30))),
                new Effect.Publish(new WorkerEvent.Connected(header(now), PHONE, "221771234567:7@s.whatsapp.net",
                        Optional.empty())));
    }

    @Test
    void aFailedConnectionIsRetriedWithBackOffUntilTheAttemptsRunOut() {
        validation.onClientOpened(false, Optional.empty(), Optional.empty(), T0);

        assertThat(validation.onClientEvent(new ClientEvent.ConnectFailed("refused"), T0))
                .containsExactly(new Effect.ScheduleReconnect(Duration.ofSeconds(2), 1));
        assertThat(validation.onReconnectDue(1)).containsExactly(Effect.CONNECT);
        assertThat(validation.onClientEvent(new ClientEvent.ConnectFailed("refused"), T0))
                .containsExactly(new Effect.ScheduleReconnect(Duration.ofSeconds(4), 2));
        assertThat(validation.onClientEvent(new ClientEvent.ConnectFailed("refused"), T0))
                .contains(new Effect.ValidationFinished(Outcome.CONNECT_FAILED, Optional.empty()),
                        new Effect.End(false));
        assertThat(validation.onReconnectDue(2)).as("the retry was cancelled").isEmpty();
    }
}
