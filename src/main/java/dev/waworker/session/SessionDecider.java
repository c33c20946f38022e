package dev.waworker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.session.SessionMetrics.Outcome;
import dev.waworker.session.SessionMetrics.RegenerationTrigger;
import dev.waworker.whatsapp.ClientEvent;

/**
 * Every decision about a number, in one place: {@link #decide} takes the number's state (empty when it has no live
 * session), an {@link Input} and the time, and returns a {@link Step}: the next state, the {@link Fact}s (events for
 * the backend, happenings to count) and the {@link Effect}s for the world. No I/O here: no client, no timer, no
 * journal, no clock. {@link SessionManager} runs it on the number's lane and carries the step out.
 *
 * <p>The seed's timeline: QR #1 is published; each time the shown QR expires unscanned, {@link QrRetryPolicy}
 * decides: while {@code attempt < maxQrRetries} one more attempt is spent, {@code qr_regenerating} published, then
 * the next QR (see {@link #onShownExpired}); at the maximum the session ends with {@code QR_RETRIES_EXHAUSTED}. A
 * scan or a {@code regenerate_qr} resets the counter. Pairing by code follows the same rule with codes in place of
 * QRs (one per connection): only the words differ, see {@link PairingDisplay}.
 */
final class SessionDecider {

    static final String ALREADY_CONNECTED = "Session already connected. No QR needed.";
    static final String CLOSED_BY_BACKEND = "closed by backend";
    static final String PASSKEY_REQUIRED_MESSAGE = "WhatsApp asks for a passkey before it links a new device to"
            + " this account, and this worker cannot answer a passkey challenge (it has no screen or authenticator)."
            + " Nothing was linked. Ask the user to link by phone number instead (send create with"
            + " data.pairingMethod \"code\"), or to remove the passkey requirement for linking devices in WhatsApp"
            + " on the phone, then request a new validation.";

    /** The session's log: operators follow one logger for a session's steps. */
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final SessionSettings settings;

    SessionDecider(SessionSettings settings) {
        this.settings = settings;
    }

    /** The decision: what {@code input} does to the number in {@code state} at {@code now}. */
    Step decide(Optional<NumberSession> state, Input input, Instant now) {
        if (state.isEmpty()) {
            return withoutSession(input, now);
        }
        NumberSession session = state.get();
        return switch (input) {
            case Input.Command(SessionCommand command) -> onCommand(session, command, now);
            case Input.StatusAsked asked -> report(state, NumberStatus.of(session), session.pairing().shown(),
                    asked.command(), now);
            case Input.FromClient(ClientEvent event) -> onClientEvent(session, event, now);
            case Input.ClientOpened(boolean paired, boolean paced) -> onClientOpened(session, paired, paced, now);
            case Input.PairingCodeObtained obtained -> {
                log.debug("Pairing code of {} is {}", session.sessionId(), obtained.code().code());
                yield show(session.with(session.pairing().showingCode(obtained.code(), now)), now);
            }
            case Input.PairingCodeRefused(String reason) -> {
                String noun = session.pairing().display().noun();
                log.warn("No {} for {}: {}", noun, session.sessionId(), reason);
                yield fail(session, ErrorCode.PAIR_FAILED, Optional.of(Outcome.PAIR_FAILED), "WhatsApp did not"
                        + " provide a " + noun + " (" + reason + "). Please request a new validation.", now);
            }
            case Input.Announced(long token, String eventId) ->
                    Step.unchanged(Optional.of(session.with(session.pairing().announcedAs(token, eventId))));
            case Input.Delivered(String eventId) -> onDelivered(session, eventId);
            case Input.ShownExpired(long token) -> onShownExpired(session, token, now);
            case Input.ReconnectDue(long token) -> token == session.link().reconnectToken()
                    ? new Step(state, List.of(), List.of(Effect.CONNECT)) : Step.unchanged(state);
            // A command (reconnect, close) or a connection of its own made the turn stale meanwhile.
            case Input.ReconnectTurn(long token) -> token == session.link().reconnectToken()
                    ? new Step(state, List.of(), List.of(new Effect.ConnectWhenAdmitted(token)))
                    : Step.unchanged(state);
            // A command that came first started a session meanwhile: it stays.
            case Input.Restart ignored -> Step.unchanged(state);
            case Input.Reconnect ignored -> Step.unchanged(state);
            case Input.Release ignored -> {
                log.info("Releasing the client of {}: its credentials and record stay", session.sessionId());
                yield new Step(Optional.empty(), List.of(), List.of(new Effect.End(false)));
            }
            case Input.StepFailed(String message, EventHeader ignored) -> fail(session, ErrorCode.INTERNAL_ERROR,
                    Optional.of(Outcome.INTERNAL_ERROR), message, now);
        };
    }

    // ---- a number without a live session ----------------------------------------------------------------------

    private Step withoutSession(Input input, Instant now) {
        return switch (input) {
            case Input.Command(SessionCommand command) -> commandWithoutSession(command, now);
            case Input.StatusAsked(SessionCommand command, Optional<NumberStatus> recorded) -> report(Optional.empty(),
                    recorded.orElseGet(() -> NumberStatus.unknown(command.numberId(), command.phoneNumber())),
                    Optional.empty(), command, now);
            case Input.Restart(ValidationRecord record, Optional<NumberStatus> recorded) ->
                    recorded.filter(NumberStatus::ended).isPresent() ? endedMeanwhile(record) : onRestart(record, now);
            case Input.Reconnect reconnect -> {
                SessionCommand restore = new SessionCommand(SessionCommand.Type.CREATE, reconnect.device().numberId(),
                        reconnect.device().phoneNumber(), PairingMethod.QR, Optional.empty());
                yield open(NumberSession.opening(restore, Optional.empty(), Optional.empty()), true);
            }
            case Input.StepFailed(String message, EventHeader origin) -> new Step(Optional.empty(),
                    List.of(new Fact.Publish(new WorkerEvent.Error(new EventHeader(origin.numberId(),
                            origin.sessionId(), now, origin.correlationId()), ErrorCode.INTERNAL_ERROR, message))),
                    List.of());
            // Inputs of a session that is gone (a queued timer, a late answer): nothing to do.
            default -> Step.unchanged(Optional.empty());
        };
    }

    private Step commandWithoutSession(SessionCommand command, Instant now) {
        NumberSession opening = NumberSession.opening(command, Optional.empty(), Optional.empty());
        return switch (command.type()) {
            case CREATE, RECONNECT -> open(opening);
            case REGENERATE_QR -> {
                log.info("Manual QR regeneration requested for number {}", command.numberId());
                yield new Step(Optional.empty(), List.of(new Fact.Regenerated(RegenerationTrigger.MANUAL)),
                        List.of(new Effect.Forget(command.numberId(), Optional.empty())))
                        .then(open(opening));
            }
            case CLOSE -> new Step(Optional.empty(), List.of(), List.of(new Effect.Forget(command.numberId(),
                    Optional.of(new WorkerEvent.Disconnected(opening.header(now), CLOSED_BY_BACKEND)))));
            // The runner asks with Input.StatusAsked, which carries what the database recorded; here none is known.
            case STATUS -> withoutSession(new Input.StatusAsked(command, Optional.empty()), now);
        };
    }

    /**
     * A session that was live when the worker stopped or crashed (its record), for a number whose device is not in
     * the store: a validation in progress goes on under a new session (a new connection and QR, the same budget,
     * {@code qrIndex} going on); a session that was connected cannot, and the backend is told to start over.
     */
    /**
     * The record was read before the number's session ended (on this worker's lane, or on another worker): a stale
     * snapshot, whose validation has had its end already. Nothing to take up.
     */
    private Step endedMeanwhile(ValidationRecord record) {
        log.info("Not taking up {}: its session ended after its record was read", record.sessionId());
        return Step.unchanged(Optional.empty());
    }

    private Step onRestart(ValidationRecord record, Instant now) {
        SessionCommand command = new SessionCommand(SessionCommand.Type.CREATE, record.numberId(),
                record.phoneNumber(), record.pairingMethod(), record.correlationId());
        return switch (record.state()) {
            case PAIRING, LINKING -> {
                log.info("Resuming the validation of {} after a restart: {} attempt(s) used, {} QR(s) shown",
                        record.sessionId(), record.attempt(), record.qrIndex());
                yield open(NumberSession.opening(command, record.startedAt(), Optional.of(record)));
            }
            case CONNECTING, CONNECTED -> {
                log.warn("Session {} was connected before the restart, but its device is no longer stored",
                        record.sessionId());
                yield new Step(Optional.empty(), List.of(new Fact.Publish(new WorkerEvent.Error(new EventHeader(
                        record.numberId(), record.sessionId(), now, record.correlationId()), ErrorCode.SESSION_LOST,
                        "The worker restarted and no longer has the linked device of this number (it was logged"
                                + " out or its store was lost). Please request a new validation."))), List.of());
            }
        };
    }

    /** Opens a client for {@code session}; the rest follows {@link Input.ClientOpened}. */
    private static Step open(NumberSession session) {
        return open(session, false);
    }

    /** {@link #open(NumberSession)}; {@code paced}: a linked device coming back, which connects in its turn. */
    private static Step open(NumberSession session, boolean paced) {
        log.info("Creating new WhatsApp session: {}", session.sessionId());
        return new Step(Optional.of(session), List.of(), List.of(new Effect.Open(session.clientSpec(), paced)));
    }

    /**
     * A stored device reconnects; any other number starts its validation (or takes up the one it resumes). A
     * device coming back with many others (restart, take-over) waits for its turn, {@code connecting} meanwhile:
     * it answers commands as any connecting session does.
     */
    private static Step onClientOpened(NumberSession session, boolean paired, boolean paced, Instant now) {
        NumberSession opened = session.with(session.link().opened(paired));
        opened = paired ? opened.with(SessionState.CONNECTING) : opened.with(opened.pairing().validating(now));
        Effect connect = paired && paced ? new Effect.AwaitReconnectTurn(opened.link().reconnectToken())
                : Effect.CONNECT;
        return new Step(Optional.of(opened), List.of(), List.of(connect));
    }

    // ---- the backend's commands on a live session -----------------------------------------------------------

    private Step onCommand(NumberSession current, SessionCommand command, Instant now) {
        if (command.type() == SessionCommand.Type.STATUS) {
            // Asking changes nothing: not the phone number, not the correlation id the session's events echo.
            return decide(Optional.of(current), new Input.StatusAsked(command, Optional.empty()), now);
        }
        if (!PhoneNumbers.sameNumber(current.phoneNumber(), command.phoneNumber())) {
            // The backend re-assigned the number id: the old account must not stay linked under it.
            log.warn("Number {} is now {} (was {}): closing {}", current.numberId(), command.phoneNumber(),
                    current.phoneNumber(), current.sessionId());
            return end(current, Optional.of(Outcome.SUPERSEDED), true, new WorkerEvent.Disconnected(
                    current.header(now), "replaced by " + command.sessionId()))
                    .then(commandWithoutSession(command, now));
        }
        NumberSession session = current.answering(command.correlationId());
        return switch (command.type()) {
            case CREATE -> onCreate(session, command, now);
            case REGENERATE_QR -> onRegenerateQr(session, command, now);
            case CLOSE -> {
                log.info("Session {} closed by backend", session.sessionId());
                yield end(session, Optional.of(Outcome.CLOSED), true,
                        new WorkerEvent.Disconnected(session.header(now), CLOSED_BY_BACKEND));
            }
            case RECONNECT -> onReconnect(session, command, now);
            case STATUS -> throw new IllegalStateException("status is answered above, before any phone number check");
        };
    }

    /**
     * Idempotent: a pairing session re-announces its QR or pairing code, a connected one its connection. The
     * pairing method stays the session's: {@code regenerate_qr} is the command that starts over with another.
     */
    private static Step onCreate(NumberSession session, SessionCommand command, Instant now) {
        Optional<NumberSession> next = Optional.of(session);
        switch (session.state()) {
            case CONNECTED -> {
                return new Step(next, List.of(connected(session, now, Optional.empty())), List.of());
            }
            case PAIRING -> {
                Pairing pairing = session.pairing();
                String noun = pairing.display().noun();
                if (command.pairingMethod() != pairing.method()) {
                    log.info("Session {} is already pairing by {}: create keeps it (regenerate_qr switches methods)",
                            session.sessionId(), noun);
                }
                if (pairing.shown().isPresent()) {
                    log.info("Session {} is already pairing: sending its current {} again", session.sessionId(), noun);
                    return new Step(next, List.of(new Fact.Announce(pairing.shown().get(), session.header(now), false,
                            pairing.shownToken())), List.of());
                }
                log.info("Session {} is already pairing: its {} follows", session.sessionId(), noun);
            }
            case LINKING, CONNECTING -> log.info("Session {} is already {}: its outcome follows", session.sessionId(),
                    session.state());
        }
        return Step.unchanged(next);
    }

    private static Step onRegenerateQr(NumberSession session, SessionCommand command, Instant now) {
        if (session.state() == SessionState.CONNECTED) {
            return new Step(Optional.of(session), List.of(connected(session, now, Optional.of(ALREADY_CONNECTED))),
                    List.of());
        }
        log.info("Manual QR regeneration requested for number {}", session.numberId());
        log.info("Closing the existing session {} to regenerate its QR", session.sessionId());
        // The user has been waiting since the first create: that is what time-to-connected must measure.
        NumberSession fresh = NumberSession.opening(command, session.pairing().startedAt(), Optional.empty());
        return new Step(Optional.empty(), List.of(new Fact.Regenerated(RegenerationTrigger.MANUAL)),
                List.of(new Effect.End(session.link().linked()))).then(open(fresh));
    }

    /** Reconnects the session; one that is not linked starts its validation over. */
    private static Step onReconnect(NumberSession session, SessionCommand command, Instant now) {
        log.info("Reconnecting session {}", session.sessionId());
        NumberSession next = session.with(session.pairing().staleExpiry()).with(session.link().reconnecting());
        if (next.link().linked()) {
            next = next.with(SessionState.CONNECTING);
        } else {
            next = next.with(SessionState.PAIRING).with(next.pairing().restarted(command.pairingMethod(), now));
            log.info("Creating new WhatsApp session: {}", session.sessionId());
        }
        return new Step(Optional.of(next), List.of(), List.of(Effect.CANCEL_TIMERS, Effect.DISCONNECT,
                Effect.CONNECT));
    }

    // ---- the client's events --------------------------------------------------------------------------------

    private Step onClientEvent(NumberSession session, ClientEvent event, Instant now) {
        log.debug("{} for {}", event, session.sessionId());
        Optional<NumberSession> same = Optional.of(session);
        return switch (event) {
            case ClientEvent.QrCodes batch -> onQrCodes(session, batch, now);
            case ClientEvent.PairSuccess paired -> onPairSuccess(session, paired, now);
            case ClientEvent.PhoneMismatch mismatch -> rejectAccount(session, mismatch.scannedPhoneNumber(), now);
            case ClientEvent.PairFailed failed -> fail(session, ErrorCode.PAIR_FAILED, Optional.of(Outcome.PAIR_FAILED),
                    "Linking the device failed (" + failed.reason() + "). Please request a new validation.", now);
            case ClientEvent.Connected connected -> onConnected(session, connected, now);
            case ClientEvent.LoggedOut loggedOut -> {
                log.info("Session {} was logged out: {}", session.sessionId(), loggedOut.reason());
                yield end(session, Optional.of(Outcome.CLOSED), true,
                        new WorkerEvent.Disconnected(session.header(now), loggedOut.reason()));
            }
            // Not a validation outcome: the device stays linked, the backend decides whether to take it back.
            case ClientEvent.StreamReplaced ignored -> fail(session, ErrorCode.STREAM_REPLACED, Optional.empty(),
                    "Another client connected with this device's credentials; this worker let go of the"
                            + " connection. Send reconnect to take it back.", now);
            case ClientEvent.Disconnected disconnected -> onDisconnected(session, disconnected);
            case ClientEvent.ConnectFailed failed -> onConnectFailed(session, failed, now);
            case ClientEvent.ClientOutdated outdated -> fail(session, ErrorCode.CLIENT_OUTDATED,
                    Optional.of(Outcome.CLIENT_OUTDATED), "WhatsApp rejected this client version ("
                            + outdated.reason() + "): the worker must be updated.", now);
            case ClientEvent.PasskeyRequired ignored -> fail(session, ErrorCode.PASSKEY_REQUIRED,
                    Optional.of(Outcome.PASSKEY_REQUIRED), PASSKEY_REQUIRED_MESSAGE, now);
            case ClientEvent.ScannedWithoutMultidevice ignored -> new Step(same, List.of(error(session,
                    ErrorCode.SCANNED_WITHOUT_MULTIDEVICE, "The QR code was scanned by a phone without multi-device"
                            + " support. Update WhatsApp on the phone, then scan the next QR code.", now)), List.of());
            // A dead connection ends in Disconnected, which is what counts: these only tell operators why.
            case ClientEvent.KeepAliveTimeout timeout -> {
                log.warn("Session {}: {} keep-alive pings in a row went unanswered", session.sessionId(),
                        timeout.errorCount());
                yield Step.unchanged(same);
            }
            case ClientEvent.KeepAliveRestored ignored -> {
                log.info("Session {}: keep-alive pings are answered again", session.sessionId());
                yield Step.unchanged(same);
            }
            case ClientEvent.TemporaryBan ban -> fail(session, ErrorCode.TEMPORARY_BAN,
                    Optional.of(Outcome.TEMPORARY_BAN), "WhatsApp temporarily banned this account (code "
                            + ban.code() + ", lifted in " + ban.expiresIn() + ").", now);
        };
    }

    private Step onQrCodes(NumberSession session, ClientEvent.QrCodes batch, Instant now) {
        if (session.state() != SessionState.PAIRING) {
            log.warn("Session {} received pairing codes while {}: ignored", session.sessionId(), session.state());
            return Step.unchanged(Optional.of(session));
        }
        return showNext(session.with(session.pairing().withRefs(batch)).with(session.link().working()), now);
    }

    private static Step onPairSuccess(NumberSession session, ClientEvent.PairSuccess paired, Instant now) {
        if (!PhoneNumbers.sameNumber(paired.phoneNumber(), session.phoneNumber())) {
            return rejectAccount(session, paired.phoneNumber(), now);
        }
        log.info("The {} of {} was used: device linked as {}", session.pairing().display().noun(),
                session.sessionId(), paired.jid());
        NumberSession linking = session.with(session.pairing().staleExpiry().withoutRefs())
                .with(session.link().staleRetry().paired(paired.jid())).with(SessionState.LINKING);
        return new Step(Optional.of(linking), List.of(), List.of(Effect.CANCEL_TIMERS));
    }

    /**
     * The account that scanned the QR (or entered the code) is not the requested number: unlink it at once, never
     * report it connected.
     */
    private static Step rejectAccount(NumberSession session, String linkingPhoneNumber, Instant now) {
        String usedBy = session.pairing().display().usedBy();
        log.warn("Phone mismatch for {}: the account that {} is {}", session.sessionId(), usedBy, linkingPhoneNumber);
        return end(session, Optional.of(Outcome.PHONE_MISMATCH), true, new WorkerEvent.Error(session.header(now),
                ErrorCode.PHONE_MISMATCH, "The WhatsApp account that " + usedBy + " (" + linkingPhoneNumber
                        + ") is not " + session.phoneNumber() + ". Nothing was linked; please request a new"
                        + " validation and link it from that number's phone."));
    }

    private static Step onConnected(NumberSession session, ClientEvent.Connected connected, Instant now) {
        if (session.state() != SessionState.CONNECTED
                && !PhoneNumbers.sameNumber(connected.phoneNumber(), session.phoneNumber())) {
            return rejectAccount(session, connected.phoneNumber(), now);
        }
        Pairing pairing = session.pairing();
        List<Fact> facts = new ArrayList<>();
        pairing.startedAt().ifPresent(started -> facts.add(new Fact.ValidationFinished(Outcome.CONNECTED,
                Optional.of(Duration.between(started, now)))));
        NumberSession next = session
                .with(pairing.staleExpiry().withoutRefs().withAttempt(0).finished())
                .with(session.link().staleRetry().connected(connected.jid(), connected.phoneNumber(), now))
                .with(SessionState.CONNECTED);
        if (session.link().announceNextConnect()) {
            log.info("Session {} connected successfully", session.sessionId());
            facts.add(connected(next, now, Optional.empty()));
        } else {
            log.info("Session {} connected again", session.sessionId());
        }
        return new Step(Optional.of(next), facts, List.of(Effect.CANCEL_TIMERS));
    }

    private static Step onDisconnected(NumberSession session, ClientEvent.Disconnected disconnected) {
        NumberSession next = session;
        switch (session.state()) {
            case CONNECTED -> {
                log.warn("Session {} lost its connection ({}): reconnecting", session.sessionId(),
                        disconnected.reason());
                next = session.with(SessionState.CONNECTING);
            }
            case PAIRING -> {
                // The refs died with the connection: the next expiry opens a new connection for fresh ones.
                log.info("Pairing connection of {} closed ({})", session.sessionId(), disconnected.reason());
                next = session.with(session.pairing().connectionLost());
            }
            // After a scan WhatsApp closes the pairing connection and the client logs in again: expected.
            case LINKING, CONNECTING -> log.debug("{} disconnected while {}", session.sessionId(), session.state());
        }
        return Step.unchanged(Optional.of(next));
    }

    private Step onConnectFailed(NumberSession session, ClientEvent.ConnectFailed failed, Instant now) {
        Link link = session.link().failedAgain();
        int allowed = settings.connectAttempts();
        if (link.connectFailures() < allowed) {
            Duration wait = settings.backoffAfter(link.connectFailures());
            log.warn("Connection attempt {}/{} of {} failed ({}): retrying in {}", link.connectFailures(), allowed,
                    session.sessionId(), failed.reason(), wait);
            return new Step(Optional.of(session.with(link)), List.of(),
                    List.of(new Effect.ScheduleReconnect(wait, link.reconnectToken())));
        }
        log.error("Could not connect {} to WhatsApp after {} attempts: {}", session.sessionId(), allowed,
                failed.reason());
        return fail(session, ErrorCode.CONNECT_FAILED, Optional.of(Outcome.CONNECT_FAILED), "Could not connect to"
                + " WhatsApp after " + allowed + " attempts (" + failed.reason() + "). Please try again later.", now);
    }

    // ---- showing QRs and pairing codes ----------------------------------------------------------------------

    /**
     * Shows the user what the pairing connection offers next (its next QR ref, or its pairing code), or opens a
     * new connection when it has nothing more to offer.
     */
    private static Step showNext(NumberSession session, Instant now) {
        Pairing pairing = session.pairing();
        if (!pairing.offersMore()) {
            // WhatsApp hands out a few refs (or one pairing code) per connection; a new connection brings more.
            log.info("Creating new WhatsApp session: {}", session.sessionId());
            return new Step(Optional.of(session.with(pairing.withoutRefs())), List.of(),
                    List.of(Effect.DISCONNECT, Effect.CONNECT));
        }
        if (pairing.method() == PairingMethod.CODE) {
            return new Step(Optional.of(session.with(pairing.askingForCode())), List.of(),
                    List.of(Effect.REQUEST_PAIRING_CODE));
        }
        return show(session.with(pairing.showingNextQr(now)), now);
    }

    /** Announces what {@code session} now shows and schedules its expiry. */
    private static Step show(NumberSession session, Instant now) {
        Pairing pairing = session.pairing();
        Shown shown = pairing.shown().orElseThrow();
        log.info("{} generated for {}", pairing.display().title(), session.sessionId());
        return new Step(Optional.of(session),
                List.of(new Fact.Announce(shown, session.header(now), true, pairing.shownToken())),
                List.of(new Effect.ScheduleExpiry(shown.expiresAt(), pairing.shownToken())));
    }

    /** The broker confirmed an event of the number: if it announced what is shown, the backend has seen it. */
    private static Step onDelivered(NumberSession session, String eventId) {
        Pairing pairing = session.pairing();
        if (!pairing.announcedBy(eventId)) {
            return Step.unchanged(Optional.of(session));
        }
        log.info("{} sent to backend for number {}", PairingDisplay.showing(pairing.shown().get()).title(),
                session.numberId());
        return Step.unchanged(Optional.of(session.with(pairing.markDelivered())));
    }

    /** The shown QR (or code) expired unused: {@link QrRetryPolicy} decides what follows. */
    private Step onShownExpired(NumberSession session, long token, Instant now) {
        if (token != session.pairing().shownToken() || session.state() != SessionState.PAIRING) {
            return Step.unchanged(Optional.of(session));
        }
        Pairing pairing = session.pairing();
        PairingDisplay display = pairing.display();
        NumberSession expired = session.with(pairing.expired());
        return switch (QrRetryPolicy.onExpiry(pairing, settings.maxQrRetries())) {
            case QrRetryPolicy.Verdict.ReplaceUnseen ignored -> {
                log.warn("{} of {} expired before the backend could see it (its event is not confirmed yet):"
                                + " replacing it without spending an attempt ({}/{} used)", display.capitalizedNoun(),
                        session.sessionId(), pairing.attempt(), settings.maxQrRetries());
                yield new Step(Optional.of(expired), List.of(new Fact.Regenerated(RegenerationTrigger.UNSEEN)),
                        List.of()).then(showNext(expired, now));
            }
            case QrRetryPolicy.Verdict.Regenerate(int attempt, int max) -> {
                log.info("{} expired for {}. Attempt {}/{}", display.capitalizedNoun(), session.sessionId(), attempt,
                        max);
                log.info("Regenerating {} for {} (attempt {}/{})...", display.noun(), session.sessionId(), attempt,
                        max);
                NumberSession regenerating = expired.with(expired.pairing().withAttempt(attempt));
                yield new Step(Optional.of(regenerating), List.of(new Fact.Regenerated(RegenerationTrigger.EXPIRY),
                        new Fact.Publish(new WorkerEvent.QrRegenerating(session.header(now), attempt, max,
                                "%s expired. Generating new %s (attempt %d/%d)".formatted(display.capitalizedNoun(),
                                        display.noun(), attempt, max)))), List.of())
                        .then(showNext(regenerating, now));
            }
            case QrRetryPolicy.Verdict.GiveUp(int max) -> {
                log.info("{} expired for {}. Attempt {}/{}", display.capitalizedNoun(), session.sessionId(),
                        pairing.attempt(), max);
                log.info("Max QR retry attempts ({}) reached for {}. Giving up.", max, session.sessionId());
                yield fail(expired, ErrorCode.QR_RETRIES_EXHAUSTED, Optional.of(Outcome.QR_RETRIES_EXHAUSTED),
                        "QR code generation failed after %d attempts. Please request a new validation.".formatted(max),
                        now);
            }
        };
    }

    // ---- status ---------------------------------------------------------------------------------------------

    /**
     * The answer to {@code status}: where the number stands, with what it shows now (if anything). The state stays
     * as it is: no attempt is spent, no timer moves, nothing is recorded.
     */
    private Step report(Optional<NumberSession> state, NumberStatus status, Optional<Shown> shown,
            SessionCommand asked, Instant now) {
        log.info("Status of number {} asked: {}", status.numberId(), status.state().wireName());
        WorkerEvent.Status answer = new WorkerEvent.Status(new EventHeader(status.numberId(), status.sessionId(), now,
                asked.correlationId()), status, settings.maxQrRetries(), Optional.empty(), Optional.empty(),
                Optional.empty());
        return new Step(state, List.of(new Fact.Report(answer, shown)), List.of());
    }

    // ---- endings --------------------------------------------------------------------------------------------

    /**
     * Ends the session on a failure: the client is released (credentials kept: a linked device stays linked), the
     * error published. {@code outcome} is empty for an ending that is no validation outcome.
     */
    private static Step fail(NumberSession session, ErrorCode code, Optional<Outcome> outcome, String message,
            Instant now) {
        return end(session, outcome, false, new WorkerEvent.Error(session.header(now), code, message));
    }

    /** Drops the session: its validation (if one runs) finished as {@code outcome}, then {@code event} published. */
    private static Step end(NumberSession session, Optional<Outcome> outcome, boolean logOut, WorkerEvent event) {
        List<Fact> facts = new ArrayList<>();
        if (session.pairing().startedAt().isPresent()) {
            outcome.ifPresent(finished -> facts.add(new Fact.ValidationFinished(finished, Optional.empty())));
        }
        facts.add(new Fact.Publish(event));
        return new Step(Optional.empty(), facts, List.of(new Effect.End(logOut)));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static Fact connected(NumberSession session, Instant now, Optional<String> message) {
        return new Fact.Publish(new WorkerEvent.Connected(session.header(now),
                session.link().linkedPhoneNumber().orElse(null), session.link().jid().orElse(null), message));
    }

    private static Fact error(NumberSession session, ErrorCode code, String message, Instant now) {
        return new Fact.Publish(new WorkerEvent.Error(session.header(now), code, message));
    }
}
