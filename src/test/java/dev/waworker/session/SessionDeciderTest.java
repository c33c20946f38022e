package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.waworker.session.SessionCommand.Type;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.StoredDevice;

/**
 * The decisions alone, as tables: each row gives an input and the second it arrives, and what the step decides
 * (its facts and effects, written short) and where the session stands afterwards. Nothing runs: no client, no
 * timer, no journal. The SessionManager tests check the same rules once the effects are carried out.
 */
class SessionDeciderTest {

    private static final Instant T0 = Instant.parse("2025-12-06T14:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(20);
    private static final String PHONE = "+221771234567";
    private static final String JID = "221771234567:7@s.whatsapp.net";

    /** One input of a timeline, at second {@code at}, and what it must decide. */
    record Row(Input input, int at, List<String> decided, String after) {
    }

    private static Row row(Input input, int at, String after, String... decided) {
        return new Row(input, at, List.of(decided), after);
    }

    /**
     * A number's decisions in a row, on a broker that confirms every announcement at once (unless told it is
     * away): after each fresh QR or code, the runner's {@link Input.Announced} and the relay's
     * {@link Input.Delivered} follow, as they do in production.
     */
    private static final class Timeline {
        private final SessionDecider decider;
        private Optional<NumberSession> state = Optional.empty();
        private boolean brokerAway;

        Timeline(int maxQrRetries) {
            decider = new SessionDecider(new SessionSettings(maxQrRetries, 3, Duration.ofSeconds(2)));
        }

        Timeline play(List<Row> rows) {
            for (Row row : rows) {
                assertThat(step(row.input(), row.at())).as("decided by %s at %d s", row.input(), row.at())
                        .containsExactlyElementsOf(row.decided());
                assertThat(where()).as("after %s at %d s", row.input(), row.at()).isEqualTo(row.after());
            }
            return this;
        }

        List<String> step(Input input, int at) {
            Step step = decider.decide(state, input, T0.plusSeconds(at));
            state = step.next();
            for (Fact fact : step.facts()) {
                if (fact instanceof Fact.Announce announce && announce.fresh()) {
                    String eventId = "event-" + announce.token();
                    state = decider.decide(state, new Input.Announced(announce.token(), eventId), T0).next();
                    if (!brokerAway) {
                        state = decider.decide(state, new Input.Delivered(eventId), T0).next();
                    }
                }
            }
            return Stream.concat(step.facts().stream().map(SessionDeciderTest::shortly),
                    step.effects().stream().map(SessionDeciderTest::shortly)).toList();
        }

        /** Where the session stands: "none", or "STATE attempt/qrIndex". */
        String where() {
            return state.map(session -> session.state() + " " + session.pairing().attempt() + "/"
                    + session.pairing().qrIndex()).orElse("none");
        }
    }

    // ---- the seed's timeline --------------------------------------------------------------------------------

    private static final List<Row> SEED_TIMELINE = List.of(
            row(create(PairingMethod.QR), 0, "PAIRING 0/0", "open"),
            row(new Input.ClientOpened(false), 0, "PAIRING 0/0", "connect"),
            row(refs(6), 0, "PAIRING 0/1", "announce QR #1 until 20", "expire token 1 at 20"),
            row(new Input.ShownExpired(1), 20, "PAIRING 1/2", "regenerated EXPIRY",
                    "qr_regenerating 1/3: QR code expired. Generating new QR code (attempt 1/3)",
                    "announce QR #2 until 40", "expire token 2 at 40"),
            row(new Input.ShownExpired(2), 40, "PAIRING 2/3", "regenerated EXPIRY",
                    "qr_regenerating 2/3: QR code expired. Generating new QR code (attempt 2/3)",
                    "announce QR #3 until 60", "expire token 3 at 60"),
            row(new Input.ShownExpired(3), 60, "PAIRING 3/4", "regenerated EXPIRY",
                    "qr_regenerating 3/3: QR code expired. Generating new QR code (attempt 3/3)",
                    "announce QR #4 until 80", "expire token 4 at 80"),
            row(new Input.ShownExpired(4), 80, "none", "finished QR_RETRIES_EXHAUSTED",
                    "error QR_RETRIES_EXHAUSTED: QR code generation failed after 3 attempts. Please request a new"
                            + " validation.", "end"));

    @Test
    void theSeedsTimelineEndsInQrRetriesExhausted() {
        new Timeline(3).play(SEED_TIMELINE);
    }

    @Test
    void regenerateQrResetsTheCounterOnANewClient() {
        new Timeline(3).play(SEED_TIMELINE.subList(0, 5)).play(List.of(
                row(command(Type.REGENERATE_QR, PairingMethod.QR), 45, "PAIRING 0/0", "regenerated MANUAL", "end",
                        "open"),
                row(new Input.ClientOpened(false), 45, "PAIRING 0/0", "connect"),
                row(refs(6), 46, "PAIRING 0/1", "announce QR #1 until 66", "expire token 1 at 66")));
    }

    @Test
    void aQrNobodySawSpendsNoAttempt() {
        Timeline timeline = new Timeline(3).play(SEED_TIMELINE.subList(0, 2));
        timeline.brokerAway = true;
        timeline.play(List.of(
                row(refs(6), 0, "PAIRING 0/1", "announce QR #1 until 20", "expire token 1 at 20"),
                row(new Input.ShownExpired(1), 20, "PAIRING 0/2", "regenerated UNSEEN", "announce QR #2 until 40",
                        "expire token 2 at 40")));
        timeline.brokerAway = false;
        timeline.play(List.of(row(new Input.ShownExpired(2), 40, "PAIRING 0/3", "regenerated UNSEEN",
                "announce QR #3 until 60", "expire token 3 at 60")));
        timeline.play(List.of(row(new Input.ShownExpired(3), 60, "PAIRING 1/4", "regenerated EXPIRY",
                "qr_regenerating 1/3: QR code expired. Generating new QR code (attempt 1/3)",
                "announce QR #4 until 80", "expire token 4 at 80")));
    }

    @Test
    void withoutRetriesTheFirstExpiryGivesUp() {
        new Timeline(0).play(SEED_TIMELINE.subList(0, 3)).play(List.of(
                row(new Input.ShownExpired(1), 20, "none", "finished QR_RETRIES_EXHAUSTED",
                        "error QR_RETRIES_EXHAUSTED: QR code generation failed after 0 attempts. Please request a"
                                + " new validation.", "end")));
    }

    @Test
    void whenTheConnectionRunsOutOfRefsANewConnectionBringsMore() {
        new Timeline(3).play(SEED_TIMELINE.subList(0, 2)).play(List.of(
                row(refs(1), 0, "PAIRING 0/1", "announce QR #1 until 20", "expire token 1 at 20"),
                row(new Input.ShownExpired(1), 20, "PAIRING 1/1", "regenerated EXPIRY",
                        "qr_regenerating 1/3: QR code expired. Generating new QR code (attempt 1/3)", "disconnect",
                        "connect"),
                row(refs(6), 25, "PAIRING 1/2", "announce QR #2 until 45", "expire token 2 at 45")));
    }

    // ---- single decisions, from a state a few rows set up ---------------------------------------------------

    static Stream<Arguments> decisions() {
        List<Row> pairing = SEED_TIMELINE.subList(0, 3);
        List<Row> linking = List.of(pairing.get(0), pairing.get(1), pairing.get(2),
                row(new Input.FromClient(new ClientEvent.PairSuccess(JID, PHONE, "android")), 5, "LINKING 0/1",
                        "cancel timers"));
        List<Row> connected = Stream.concat(linking.stream(), Stream.of(row(new Input.FromClient(
                new ClientEvent.Connected(JID, PHONE)), 30, "CONNECTED 0/1", "finished CONNECTED after 30 s",
                "connected", "cancel timers"))).toList();
        return Stream.of(
                Arguments.of("a stale expiry does nothing", pairing, row(new Input.ShownExpired(7), 20,
                        "PAIRING 0/1")),
                Arguments.of("create while pairing announces the shown QR again", pairing,
                        row(create(PairingMethod.QR), 5, "PAIRING 0/1", "announce again QR #1 until 20")),
                Arguments.of("a scan by the number links the device", pairing,
                        linking.getLast()),
                Arguments.of("the connection measures the validation from its start", linking,
                        row(new Input.FromClient(new ClientEvent.Connected(JID, PHONE)), 30, "CONNECTED 0/1",
                                "finished CONNECTED after 30 s", "connected", "cancel timers")),
                Arguments.of("a scan by another account is logged out", pairing,
                        row(new Input.FromClient(new ClientEvent.PairSuccess("33612345678:9@s.whatsapp.net",
                                "+33612345678", "android")), 5, "none", "finished PHONE_MISMATCH",
                                "error PHONE_MISMATCH: The WhatsApp account that scanned the QR code (+33612345678)"
                                        + " is not +221771234567. Nothing was linked; please request a new"
                                        + " validation and link it from that number's phone.", "end and log out")),
                Arguments.of("close while pairing ends the validation", pairing,
                        row(command(Type.CLOSE, PairingMethod.QR), 5, "none", "finished CLOSED",
                                "disconnected: closed by backend", "end and log out")),
                Arguments.of("a failed connection is retried after the back-off", pairing.subList(0, 2),
                        row(new Input.FromClient(new ClientEvent.ConnectFailed("refused")), 1, "PAIRING 0/0",
                                "reconnect token 1 after PT2S")),
                Arguments.of("a step that threw ends the validation", pairing,
                        row(new Input.StepFailed("boom", header()), 5, "none", "finished INTERNAL_ERROR",
                                "error INTERNAL_ERROR: boom", "end")),
                Arguments.of("the worker stopping keeps the credentials", pairing,
                        row(new Input.Release(), 5, "none", "end")),
                Arguments.of("a command without session opens a client", List.of(),
                        row(create(PairingMethod.QR), 0, "PAIRING 0/0", "open")),
                Arguments.of("regenerate_qr without session drops a stored device first", List.of(),
                        row(command(Type.REGENERATE_QR, PairingMethod.QR), 0, "PAIRING 0/0", "regenerated MANUAL",
                                "forget", "open")),
                Arguments.of("close without session deletes a stored device", List.of(),
                        row(command(Type.CLOSE, PairingMethod.QR), 0, "none", "forget, then disconnected: closed by backend")),
                Arguments.of("a stored device reconnects in its turn, connecting meanwhile", List.of(),
                        row(new Input.Reconnect(new StoredDevice(6, PHONE, JID)), 0, "PAIRING 0/0", "open paced"),
                        row(new Input.ClientOpened(true, true), 0, "CONNECTING 0/0", "await reconnect turn, token 0"),
                        row(new Input.ReconnectTurn(0), 3, "CONNECTING 0/0", "connect when admitted, token 0")),
                Arguments.of("a reconnect turn made stale by a command does nothing", List.of(),
                        row(new Input.Reconnect(new StoredDevice(6, PHONE, JID)), 0, "PAIRING 0/0", "open paced"),
                        row(new Input.ClientOpened(true, true), 0, "CONNECTING 0/0", "await reconnect turn, token 0"),
                        row(command(Type.RECONNECT, PairingMethod.QR), 1, "CONNECTING 0/0", "cancel timers",
                                "disconnect", "connect"),
                        row(new Input.ReconnectTurn(0), 3, "CONNECTING 0/0")),
                Arguments.of("a validation left by the last run goes on, on its budget", List.of(),
                        row(new Input.Restart(record(SessionState.PAIRING)), 0, "PAIRING 2/3", "open")),
                Arguments.of("a connected number whose device is gone ends with SESSION_LOST", List.of(),
                        row(new Input.Restart(record(SessionState.CONNECTED)), 0, "none",
                                "error SESSION_LOST: The worker restarted and no longer has the linked device of"
                                        + " this number (it was logged out or its store was lost). Please request"
                                        + " a new validation.")),
                Arguments.of("a record read before its session ended (a take-over's snapshot) is not taken up",
                        List.of(), row(new Input.Restart(record(SessionState.PAIRING), Optional.of(new NumberStatus(6,
                                "session_6_" + PHONE, NumberStatus.State.FAILED, Optional.of(T0), Optional.empty(), 0,
                                0, Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.of(ErrorCode.PHONE_MISMATCH), Optional.of("wrong account")))), 0, "none")),
                Arguments.of("a late timer of a session that ended does nothing", List.of(),
                        row(new Input.ShownExpired(1), 20, "none")),
                Arguments.of("status while pairing reports the shown QR and changes nothing", pairing,
                        row(status(PHONE, Optional.empty()), 5, "PAIRING 0/1",
                                "status pairing QR attempt 0/3 qrIndex 1 until 20 since 0, showing QR #1")),
                Arguments.of("status while a scan completes reports pairing with nothing shown", linking,
                        row(status(PHONE, Optional.empty()), 6, "LINKING 0/1",
                                "status pairing QR attempt 0/3 qrIndex 1 since 0")),
                Arguments.of("status of a connected number reports its device and since when", connected,
                        row(status(PHONE, Optional.empty()), 40, "CONNECTED 0/1",
                                "status connected as " + JID + " since 30")),
                Arguments.of("status naming another phone number replaces no session", pairing,
                        row(status("+33612345678", Optional.empty()), 5, "PAIRING 0/1",
                                "status pairing QR attempt 0/3 qrIndex 1 until 20 since 0, showing QR #1")),
                Arguments.of("status as a plain command is a status request too", pairing,
                        row(command(Type.STATUS, PairingMethod.QR), 5, "PAIRING 0/1",
                                "status pairing QR attempt 0/3 qrIndex 1 until 20 since 0, showing QR #1")),
                Arguments.of("status of a number nobody recorded: unknown", List.of(),
                        row(status(PHONE, Optional.empty()), 0, "none", "status unknown session_6_" + PHONE)),
                Arguments.of("status without a session answers from the record", List.of(),
                        row(status("", Optional.of(new NumberStatus(6, "session_6_" + PHONE,
                                NumberStatus.State.FAILED, Optional.of(T0.plusSeconds(80)), Optional.empty(), 0, 0,
                                Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.of(ErrorCode.QR_RETRIES_EXHAUSTED), Optional.of("gave up")))), 90, "none",
                                "status failed QR_RETRIES_EXHAUSTED: gave up since 80")));
    }

    /** A status request asked in the middle of the seed's timeline spends no attempt and moves no timer. */
    @Test
    void statusChangesNothingOfTheTimeline() {
        new Timeline(3).play(SEED_TIMELINE.subList(0, 4)).play(List.of(
                row(status(PHONE, Optional.empty()), 30, "PAIRING 1/2",
                        "status pairing QR attempt 1/3 qrIndex 2 until 40 since 0, showing QR #2"),
                row(status(PHONE, Optional.empty()), 31, "PAIRING 1/2",
                        "status pairing QR attempt 1/3 qrIndex 2 until 40 since 0, showing QR #2")))
                .play(SEED_TIMELINE.subList(4, SEED_TIMELINE.size()));
    }

    @Test
    void theStatusOfAPairingByCodeShowsItsCode() {
        new Timeline(3).play(List.of(
                row(create(PairingMethod.CODE), 0, "PAIRING 0/0", "open"),
                row(new Input.ClientOpened(false), 0, "PAIRING 0/0", "connect"),
                row(refs(6), 0, "PAIRING 0/0", "request pairing code"),
                row(new Input.PairingCodeObtained(new PairingCode("ABCD-EFGH", Duration.ofSeconds(160))), 2,
                        "PAIRING 0/0", "announce code until 162", "expire token 1 at 162"),
                row(status(PHONE, Optional.empty()), 10, "PAIRING 0/0",
                        "status pairing CODE attempt 0/3 qrIndex 0 until 162 since 0, showing code")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decides(String name, List<Row> setUp, Row decision) {
        new Timeline(3).play(setUp).play(List.of(decision));
    }

    @Test
    void pairingByCodeAsksWhatsAppThenShowsTheCodeFromItsAnswer() {
        Timeline timeline = new Timeline(3).play(List.of(
                row(create(PairingMethod.CODE), 0, "PAIRING 0/0", "open"),
                row(new Input.ClientOpened(false), 0, "PAIRING 0/0", "connect"),
                row(refs(6), 0, "PAIRING 0/0", "request pairing code"),
                row(new Input.PairingCodeObtained(new PairingCode("ABCD-EFGH", Duration.ofSeconds(160))), 2,
                        "PAIRING 0/0", "announce code until 162", "expire token 1 at 162"),
                row(new Input.ShownExpired(1), 162, "PAIRING 1/0", "regenerated EXPIRY",
                        "qr_regenerating 1/3: Pairing code expired. Generating new pairing code (attempt 1/3)",
                        "disconnect", "connect")));
        timeline.play(List.of(row(refs(6), 163, "PAIRING 1/0", "request pairing code"),
                row(new Input.PairingCodeRefused("rate-overlimit"), 164, "none", "finished PAIR_FAILED",
                        "error PAIR_FAILED: WhatsApp did not provide a pairing code (rate-overlimit). Please request"
                                + " a new validation.", "end")));
    }

    @Test
    void theRetryPolicySpendsOnlyWhatTheBackendSaw() {
        Pairing seen = Pairing.opening(PairingMethod.QR, Optional.empty(), Optional.empty()).markDelivered();
        assertThat(QrRetryPolicy.onExpiry(seen, 3)).isEqualTo(new QrRetryPolicy.Verdict.Regenerate(1, 3));
        assertThat(QrRetryPolicy.onExpiry(seen.withAttempt(3), 3)).isEqualTo(new QrRetryPolicy.Verdict.GiveUp(3));
        assertThat(QrRetryPolicy.onExpiry(seen.withAttempt(3).expired().withRefs((ClientEvent.QrCodes) refs(1).event()).showingNextQr(T0),
                3)).as("a new QR is not delivered yet").isEqualTo(new QrRetryPolicy.Verdict.ReplaceUnseen());
    }

    // ---- inputs and the short form of what was decided ------------------------------------------------------

    private static Input.Command create(PairingMethod method) {
        return command(Type.CREATE, method);
    }

    private static Input.Command command(Type type, PairingMethod method) {
        return new Input.Command(new SessionCommand(type, 6, PHONE, method, Optional.of("cmd-1")));
    }

    /** A status request for number 6 naming {@code phoneNumber} ("" for none), and what the database recorded. */
    private static Input.StatusAsked status(String phoneNumber, Optional<NumberStatus> recorded) {
        return new Input.StatusAsked(new SessionCommand(Type.STATUS, 6, phoneNumber, PairingMethod.QR,
                Optional.of("status-1")), recorded);
    }

    private static Input.FromClient refs(int count) {
        return new Input.FromClient(new ClientEvent.QrCodes(IntStream.rangeClosed(1, count).mapToObj(i -> "ref-" + i)
                .toList(), TTL, TTL));
    }

    private static EventHeader header() {
        return new EventHeader(6, "session_6_" + PHONE, T0, Optional.of("cmd-1"));
    }

    private static ValidationRecord record(SessionState state) {
        return new ValidationRecord(6, PHONE, PairingMethod.QR, Optional.of("cmd-0"), state, 2, 3, Optional.of(T0));
    }

    private static String shortly(Fact fact) {
        return switch (fact) {
            case Fact.Announce announce -> (announce.fresh() ? "announce " : "announce again ")
                    + switch (announce.shown()) {
                        case Shown.Qr qr -> "QR #" + qr.qrIndex();
                        case Shown.Code ignored -> "code";
                    } + " until " + seconds(announce.shown().expiresAt());
            case Fact.Publish publish -> shortly(publish.event());
            case Fact.Regenerated regenerated -> "regenerated " + regenerated.trigger();
            case Fact.ValidationFinished finished -> "finished " + finished.outcome()
                    + finished.timeToConnected().map(time -> " after " + time.toSeconds() + " s").orElse("");
            case Fact.Report report -> "status " + shortly(report.status()) + report.shown()
                    .map(shown -> ", showing " + (shown instanceof Shown.Qr qr ? "QR #" + qr.qrIndex() : "code"))
                    .orElse("");
        };
    }

    /** A status answer, short: its state and what that state carries. */
    private static String shortly(WorkerEvent.Status answer) {
        NumberStatus status = answer.status();
        String since = status.since().map(at -> " since " + seconds(at)).orElse("");
        return status.state().wireName() + switch (status.state()) {
            case PAIRING -> " " + status.pairingMethod().orElseThrow() + " attempt " + status.attempt() + "/"
                    + answer.maxAttempts() + " qrIndex " + status.qrIndex()
                    + status.expiresAt().map(at -> " until " + seconds(at)).orElse("") + since;
            case CONNECTING, CONNECTED -> " as " + status.jid().orElse("?") + since;
            case DISCONNECTED, FAILED -> status.code().map(code -> " " + code).orElse("") + ": "
                    + status.reason().orElse("") + since;
            case UNKNOWN -> " " + status.sessionId();
        };
    }

    private static String shortly(WorkerEvent event) {
        return switch (event) {
            case WorkerEvent.QrRegenerating regenerating -> "qr_regenerating " + regenerating.attempt() + "/"
                    + regenerating.maxAttempts() + ": " + regenerating.message();
            case WorkerEvent.Error error -> "error " + error.code() + ": " + error.error();
            case WorkerEvent.Disconnected disconnected -> "disconnected: " + disconnected.reason();
            default -> event.action();
        };
    }

    private static String shortly(Effect effect) {
        return switch (effect) {
            case Effect.Open open -> open.paced() ? "open paced" : "open";
            case Effect.Connect ignored -> "connect";
            case Effect.Disconnect ignored -> "disconnect";
            case Effect.RequestPairingCode ignored -> "request pairing code";
            case Effect.CancelTimers ignored -> "cancel timers";
            case Effect.End end -> end.logOut() ? "end and log out" : "end";
            case Effect.Forget forget -> forget.ifForgotten().map(event -> "forget, then " + shortly(event))
                    .orElse("forget");
            case Effect.ScheduleExpiry expiry -> "expire token " + expiry.token() + " at " + seconds(expiry.at());
            case Effect.ScheduleReconnect retry -> "reconnect token " + retry.token() + " after " + retry.delay();
            case Effect.AwaitReconnectTurn turn -> "await reconnect turn, token " + turn.token();
            case Effect.ConnectWhenAdmitted turn -> "connect when admitted, token " + turn.token();
        };
    }

    private static long seconds(Instant at) {
        return Duration.between(T0, at).toSeconds();
    }
}
