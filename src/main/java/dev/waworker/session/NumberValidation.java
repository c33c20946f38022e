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
import dev.waworker.whatsapp.PairingCode;

/**
 * One number's live session as a plain state machine: each transition takes a command, a client event or a timer
 * firing (with the time passed in), updates the state and returns the {@link Effect}s to carry out. No I/O here:
 * no client, no timer, no sink, no clock; {@link SessionManager} carries the effects out on the number's lane, so
 * only that lane ever calls in (the state is also read by the metrics gauges, hence volatile).
 *
 * <p>The retry rule (see the contract): QR #1 is published; each time the shown QR expires unscanned while
 * {@code attempt < maxQrRetries}, {@code attempt} grows by one, {@code qr_regenerating} is published, then the next
 * QR. When it expires with {@code attempt == maxQrRetries}, the session is dropped and {@code QR_RETRIES_EXHAUSTED}
 * is published. A scan or a {@code regenerate_qr} resets the counter. A session pairing by code follows the same
 * rule with pairing codes in place of QRs (one per connection): only the words differ, see {@link PairingDisplay}.
 *
 * <p>Time nobody saw: a QR whose {@code qr_generated} the broker had not confirmed when it expired (the broker was
 * away) was never shown to anyone, so it spends no attempt. It is replaced silently: no {@code qr_regenerating},
 * {@code attempt} unchanged, {@code qrIndex} going on. With a healthy broker the confirm comes within milliseconds
 * and the rule above is exactly the seed's.
 */
final class NumberValidation {

    static final String ALREADY_CONNECTED = "Session already connected. No QR needed.";
    static final String CLOSED_BY_BACKEND = "closed by backend";
    static final String PASSKEY_REQUIRED_MESSAGE = "WhatsApp asks for a passkey before it links a new device to"
            + " this account, and this worker cannot answer a passkey challenge (it has no screen or authenticator)."
            + " Nothing was linked. Ask the user to link by phone number instead (send create with"
            + " data.pairingMethod \"code\"), or to remove the passkey requirement for linking devices in WhatsApp"
            + " on the phone, then request a new validation.";

    /** The session's log: operators follow one logger for a session's steps. */
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final long numberId;
    private final String phoneNumber;
    private final String sessionId;
    private final SessionSettings settings;

    private volatile SessionState state = SessionState.PAIRING;
    private Optional<String> correlationId;
    /** How the current (or next) pairing links the device. */
    private PairingMethod pairingMethod;
    /** Whether the client holds a linked device (stored credentials, or a pairing that succeeded). */
    private boolean linked;

    /** Regenerations used by the current validation (the seed's "attempt"). */
    private int attempt;
    /** QRs shown by the current validation. */
    private int qrIndex;
    /** When the current validation started, or null when none is running (e.g. a restored session). */
    private Instant validationStartedAt;

    /** The pairing refs of the current connection, or null when it has none (left to get, or dead). */
    private ClientEvent.QrCodes refs;
    /** Position in {@link #refs} of the next ref to show. */
    private int nextRef;
    /** Whether the pairing code of the current connection was asked for: a connection gives one. */
    private boolean codeRequested;
    /** The QR or pairing code on the user's screen, or null when none is. */
    private Shown shown;
    /** Identifies the pending expiry of {@link #shown}; a timer whose token is stale fires for one replaced. */
    private long shownToken;
    /** Whether the broker confirmed the event announcing {@link #shown}: only then has the backend seen it. */
    private boolean shownDelivered;

    /** Connection attempts that failed in a row. */
    private int connectFailures;
    /** Identifies the pending connection retry, like {@link #shownToken}. */
    private long reconnectToken;

    /**
     * Whether the next {@code Connected} is news for the backend (pairing, restore, an explicit reconnect) rather
     * than the client quietly recovering from a dropped connection.
     */
    private boolean announceNextConnect = true;
    private String jid;
    /** The number WhatsApp reports for the linked account. */
    private String linkedPhoneNumber;

    NumberValidation(SessionCommand command, SessionSettings settings) {
        this.numberId = command.numberId();
        this.phoneNumber = command.phoneNumber();
        this.sessionId = command.sessionId();
        this.correlationId = command.correlationId();
        this.pairingMethod = command.pairingMethod();
        this.settings = settings;
    }

    SessionState state() {
        return state;
    }

    long numberId() {
        return numberId;
    }

    String phoneNumber() {
        return phoneNumber;
    }

    String sessionId() {
        return sessionId;
    }

    Optional<String> correlationId() {
        return correlationId;
    }

    SessionView view() {
        return new SessionView(numberId, sessionId, state, attempt, qrIndex);
    }

    /** What is kept of it in the worker's database. */
    ValidationRecord record() {
        return new ValidationRecord(numberId, phoneNumber, pairingMethod, correlationId, state, attempt, qrIndex,
                Optional.ofNullable(validationStartedAt));
    }

    // ---- commands for a number without a live session -------------------------------------------------------

    /** A command that found no live session for its number. */
    static List<Effect> withoutSession(SessionCommand command, Instant now) {
        EventHeader header = new EventHeader(command.numberId(), command.sessionId(), now, command.correlationId());
        return switch (command.type()) {
            case CREATE, RECONNECT -> List.of(new Effect.Start(command, Optional.empty()));
            case REGENERATE_QR -> {
                log.info("Manual QR regeneration requested for number {}", command.numberId());
                yield List.of(new Effect.CountRegeneration(RegenerationTrigger.MANUAL),
                        new Effect.Forget(command.numberId(), Optional.empty()),
                        new Effect.Start(command, Optional.empty()));
            }
            case CLOSE -> List.of(new Effect.Forget(command.numberId(),
                    Optional.of(new WorkerEvent.Disconnected(header, CLOSED_BY_BACKEND))));
        };
    }

    /**
     * A session that was live when the worker stopped or crashed (its record), for a number whose device is not in
     * the store: a validation in progress goes on under a new session (a new connection and QR, the same budget,
     * {@code qrIndex} going on); a session that was connected cannot, and the backend is told to start over.
     */
    static List<Effect> onRestart(ValidationRecord record, Instant now) {
        SessionCommand command = new SessionCommand(SessionCommand.Type.CREATE, record.numberId(),
                record.phoneNumber(), record.pairingMethod(), record.correlationId());
        return switch (record.state()) {
            case PAIRING, LINKING -> {
                log.info("Resuming the validation of {} after a restart: {} attempt(s) used, {} QR(s) shown",
                        record.sessionId(), record.attempt(), record.qrIndex());
                yield List.of(new Effect.Start(command, record.startedAt(), Optional.of(record)));
            }
            case CONNECTING, CONNECTED -> {
                log.warn("Session {} was connected before the restart, but its device is no longer stored",
                        record.sessionId());
                yield List.of(new Effect.Publish(new WorkerEvent.Error(new EventHeader(record.numberId(),
                        record.sessionId(), now, record.correlationId()), ErrorCode.SESSION_LOST,
                        "The worker restarted and no longer has the linked device of this number (it was logged"
                                + " out or its store was lost). Please request a new validation.")));
            }
        };
    }

    /**
     * The client was opened: a stored device reconnects, any other number starts a validation (or takes up the
     * one of {@code resumed}, on its budget).
     */
    List<Effect> onClientOpened(boolean paired, Optional<Instant> waitingSince, Optional<ValidationRecord> resumed,
            Instant now) {
        linked = paired;
        if (paired) {
            state = SessionState.CONNECTING;
        } else {
            resetValidation(now);
            resumed.ifPresent(record -> {
                attempt = record.attempt();
                qrIndex = record.qrIndex();
            });
        }
        waitingSince.ifPresent(since -> validationStartedAt = since);
        return List.of(Effect.CONNECT);
    }

    // ---- the backend's commands on a live session -----------------------------------------------------------

    /**
     * The command for this number, which names another phone number: the backend re-assigned the number id, and
     * the old account must not stay linked under it.
     */
    List<Effect> onSuperseded(SessionCommand command, Instant now) {
        log.warn("Number {} is now {} (was {}): closing {}", numberId, command.phoneNumber(), phoneNumber,
                sessionId);
        List<Effect> effects = new ArrayList<>();
        finishValidation(Outcome.SUPERSEDED, effects);
        effects.add(new Effect.End(true));
        effects.add(new Effect.Publish(new WorkerEvent.Disconnected(header(now), "replaced by "
                + command.sessionId())));
        return effects;
    }

    List<Effect> onCommand(SessionCommand command, Instant now) {
        correlationId = command.correlationId();
        return switch (command.type()) {
            case CREATE -> onCreate(command, now);
            case REGENERATE_QR -> onRegenerateQr(command, now);
            case CLOSE -> onClose(now);
            case RECONNECT -> onReconnect(command, now);
        };
    }

    /**
     * Idempotent: a pairing session re-announces its QR or pairing code, a connected one its connection. The
     * pairing method stays the session's: {@code regenerate_qr} is the command that starts over with another.
     */
    private List<Effect> onCreate(SessionCommand command, Instant now) {
        switch (state) {
            case CONNECTED -> {
                return List.of(connected(now, Optional.empty()));
            }
            case PAIRING -> {
                String noun = display().noun();
                if (command.pairingMethod() != pairingMethod) {
                    log.info("Session {} is already pairing by {}: create keeps it (regenerate_qr switches methods)",
                            sessionId, noun);
                }
                if (shown != null) {
                    log.info("Session {} is already pairing: sending its current {} again", sessionId, noun);
                    return List.of(new Effect.Announce(shown, header(now), false, shownToken));
                }
                log.info("Session {} is already pairing: its {} follows", sessionId, noun);
            }
            case LINKING, CONNECTING -> log.info("Session {} is already {}: its outcome follows", sessionId, state);
        }
        return List.of();
    }

    private List<Effect> onRegenerateQr(SessionCommand command, Instant now) {
        if (state == SessionState.CONNECTED) {
            return List.of(connected(now, Optional.of(ALREADY_CONNECTED)));
        }
        log.info("Manual QR regeneration requested for number {}", numberId);
        log.info("Closing the existing session {} to regenerate its QR", sessionId);
        // The user has been waiting since the first create: that is what time-to-connected must measure.
        return List.of(new Effect.CountRegeneration(RegenerationTrigger.MANUAL), new Effect.End(linked),
                new Effect.Start(command, Optional.ofNullable(validationStartedAt)));
    }

    private List<Effect> onClose(Instant now) {
        List<Effect> effects = new ArrayList<>();
        finishValidation(Outcome.CLOSED, effects);
        effects.add(new Effect.End(true));
        log.info("Session {} closed by backend", sessionId);
        effects.add(new Effect.Publish(new WorkerEvent.Disconnected(header(now), CLOSED_BY_BACKEND)));
        return effects;
    }

    /** Reconnects the session; one that is not linked starts its validation over. */
    private List<Effect> onReconnect(SessionCommand command, Instant now) {
        cancelTimers();
        connectFailures = 0;
        announceNextConnect = true;
        log.info("Reconnecting session {}", sessionId);
        if (linked) {
            state = SessionState.CONNECTING;
        } else {
            state = SessionState.PAIRING;
            pairingMethod = command.pairingMethod();
            resetValidation(now);
            log.info("Creating new WhatsApp session: {}", sessionId);
        }
        return List.of(Effect.CANCEL_TIMERS, Effect.DISCONNECT, Effect.CONNECT);
    }

    // ---- the client's events --------------------------------------------------------------------------------

    List<Effect> onClientEvent(ClientEvent event, Instant now) {
        log.debug("{} for {}", event, sessionId);
        return switch (event) {
            case ClientEvent.QrCodes batch -> onQrCodes(batch, now);
            case ClientEvent.PairSuccess paired -> onPairSuccess(paired, now);
            case ClientEvent.PhoneMismatch mismatch -> rejectAccount(mismatch.scannedPhoneNumber(), now);
            case ClientEvent.PairFailed failed -> fail(ErrorCode.PAIR_FAILED, Outcome.PAIR_FAILED,
                    "Linking the device failed (" + failed.reason() + "). Please request a new validation.", now);
            case ClientEvent.Connected connected -> onConnected(connected, now);
            case ClientEvent.LoggedOut loggedOut -> onLoggedOut(loggedOut, now);
            case ClientEvent.StreamReplaced ignored -> fail(ErrorCode.STREAM_REPLACED, null,
                    "Another client connected with this device's credentials; this worker let go of the"
                            + " connection. Send reconnect to take it back.", now);
            case ClientEvent.Disconnected disconnected -> onDisconnected(disconnected);
            case ClientEvent.ConnectFailed failed -> onConnectFailed(failed, now);
            case ClientEvent.ClientOutdated outdated -> fail(ErrorCode.CLIENT_OUTDATED, Outcome.CLIENT_OUTDATED,
                    "WhatsApp rejected this client version (" + outdated.reason() + "): the worker must be updated.",
                    now);
            case ClientEvent.PasskeyRequired ignored -> fail(ErrorCode.PASSKEY_REQUIRED, Outcome.PASSKEY_REQUIRED,
                    PASSKEY_REQUIRED_MESSAGE, now);
            case ClientEvent.ScannedWithoutMultidevice ignored -> List.of(error(ErrorCode.SCANNED_WITHOUT_MULTIDEVICE,
                    "The QR code was scanned by a phone without multi-device support. Update WhatsApp on the phone,"
                            + " then scan the next QR code.", now));
            // A dead connection ends in Disconnected, which is what counts: these only tell operators why.
            case ClientEvent.KeepAliveTimeout timeout -> {
                log.warn("Session {}: {} keep-alive pings in a row went unanswered", sessionId,
                        timeout.errorCount());
                yield List.of();
            }
            case ClientEvent.KeepAliveRestored ignored -> {
                log.info("Session {}: keep-alive pings are answered again", sessionId);
                yield List.of();
            }
            case ClientEvent.TemporaryBan ban -> fail(ErrorCode.TEMPORARY_BAN, Outcome.TEMPORARY_BAN,
                    "WhatsApp temporarily banned this account (code " + ban.code() + ", lifted in "
                            + ban.expiresIn() + ").", now);
        };
    }

    private List<Effect> onQrCodes(ClientEvent.QrCodes batch, Instant now) {
        if (state != SessionState.PAIRING) {
            log.warn("Session {} received pairing codes while {}: ignored", sessionId, state);
            return List.of();
        }
        refs = batch;
        nextRef = 0;
        codeRequested = false;
        connectFailures = 0;
        return showNext(now);
    }

    private List<Effect> onPairSuccess(ClientEvent.PairSuccess paired, Instant now) {
        if (!PhoneNumbers.sameNumber(paired.phoneNumber(), phoneNumber)) {
            return rejectAccount(paired.phoneNumber(), now);
        }
        cancelTimers();
        forgetRefs();
        linked = true;
        jid = paired.jid();
        state = SessionState.LINKING;
        log.info("The {} of {} was used: device linked as {}", display().noun(), sessionId, paired.jid());
        return List.of(Effect.CANCEL_TIMERS);
    }

    /**
     * The account that scanned the QR (or entered the code) is not the requested number: unlink it at once, never
     * report it connected.
     */
    private List<Effect> rejectAccount(String linkingPhoneNumber, Instant now) {
        String usedBy = display().usedBy();
        log.warn("Phone mismatch for {}: the account {} is {}", sessionId, usedBy, linkingPhoneNumber);
        List<Effect> effects = new ArrayList<>();
        finishValidation(Outcome.PHONE_MISMATCH, effects);
        effects.add(new Effect.End(true));
        effects.add(error(ErrorCode.PHONE_MISMATCH, "The WhatsApp account that " + usedBy + " ("
                + linkingPhoneNumber + ") is not " + phoneNumber
                + ". Nothing was linked; please request a new validation and link it from that number's phone.", now));
        return effects;
    }

    private List<Effect> onConnected(ClientEvent.Connected connected, Instant now) {
        if (state != SessionState.CONNECTED && !PhoneNumbers.sameNumber(connected.phoneNumber(), phoneNumber)) {
            return rejectAccount(connected.phoneNumber(), now);
        }
        cancelTimers();
        forgetRefs();
        connectFailures = 0;
        attempt = 0;
        linked = true;
        jid = connected.jid();
        linkedPhoneNumber = connected.phoneNumber();
        state = SessionState.CONNECTED;
        List<Effect> effects = new ArrayList<>();
        effects.add(Effect.CANCEL_TIMERS);
        if (validationStartedAt != null) {
            effects.add(new Effect.ValidationFinished(Outcome.CONNECTED,
                    Optional.of(Duration.between(validationStartedAt, now))));
            validationStartedAt = null;
        }
        if (announceNextConnect) {
            announceNextConnect = false;
            log.info("Session {} connected successfully", sessionId);
            effects.add(connected(now, Optional.empty()));
        } else {
            log.info("Session {} connected again", sessionId);
        }
        return effects;
    }

    private List<Effect> onLoggedOut(ClientEvent.LoggedOut loggedOut, Instant now) {
        log.info("Session {} was logged out: {}", sessionId, loggedOut.reason());
        List<Effect> effects = new ArrayList<>();
        finishValidation(Outcome.CLOSED, effects);
        effects.add(new Effect.End(true));
        effects.add(new Effect.Publish(new WorkerEvent.Disconnected(header(now), loggedOut.reason())));
        return effects;
    }

    private List<Effect> onDisconnected(ClientEvent.Disconnected disconnected) {
        switch (state) {
            case CONNECTED -> {
                log.warn("Session {} lost its connection ({}): reconnecting", sessionId, disconnected.reason());
                state = SessionState.CONNECTING;
            }
            case PAIRING -> {
                // The refs died with the connection: the next expiry opens a new connection for fresh ones.
                log.info("Pairing connection of {} closed ({})", sessionId, disconnected.reason());
                refs = null;
            }
            // After a scan WhatsApp closes the pairing connection and the client logs in again: expected.
            case LINKING, CONNECTING -> log.debug("{} disconnected while {}", sessionId, state);
        }
        return List.of();
    }

    private List<Effect> onConnectFailed(ClientEvent.ConnectFailed failed, Instant now) {
        connectFailures++;
        int allowed = settings.connectAttempts();
        if (connectFailures < allowed) {
            Duration wait = settings.backoffAfter(connectFailures);
            log.warn("Connection attempt {}/{} of {} failed ({}): retrying in {}", connectFailures, allowed,
                    sessionId, failed.reason(), wait);
            return List.of(new Effect.ScheduleReconnect(wait, ++reconnectToken));
        }
        log.error("Could not connect {} to WhatsApp after {} attempts: {}", sessionId, allowed, failed.reason());
        return fail(ErrorCode.CONNECT_FAILED, Outcome.CONNECT_FAILED, "Could not connect to WhatsApp after "
                + allowed + " attempts (" + failed.reason() + "). Please try again later.", now);
    }

    // ---- showing QRs and pairing codes ----------------------------------------------------------------------

    /**
     * Shows the user what the pairing connection offers next (its next QR ref, or its pairing code), or opens a
     * new connection when it has nothing more to offer.
     */
    private List<Effect> showNext(Instant now) {
        boolean exhausted = switch (pairingMethod) {
            case QR -> refs == null || nextRef >= refs.codes().size();
            case CODE -> refs == null || codeRequested;
        };
        if (exhausted) {
            // WhatsApp hands out a few refs (or one pairing code) per connection; a new connection brings more.
            forgetRefs();
            log.info("Creating new WhatsApp session: {}", sessionId);
            return List.of(Effect.DISCONNECT, Effect.CONNECT);
        }
        if (pairingMethod == PairingMethod.CODE) {
            codeRequested = true;
            return List.of(Effect.REQUEST_PAIRING_CODE);
        }
        int position = nextRef++;
        qrIndex++;
        return show(new Shown.Qr(refs.codes().get(position), now.plus(refs.ttlOf(position)), qrIndex), now);
    }

    /** WhatsApp answered {@link Effect.RequestPairingCode}; {@code now} is read after its answer. */
    List<Effect> onPairingCode(PairingCode code, Instant now) {
        log.debug("Pairing code of {} is {}", sessionId, code.code());
        return show(new Shown.Code(code.code(), now.plus(code.ttl())), now);
    }

    /** WhatsApp refused {@link Effect.RequestPairingCode}. */
    List<Effect> onNoPairingCode(String reason, Instant now) {
        String noun = display().noun();
        log.warn("No {} for {}: {}", noun, sessionId, reason);
        return fail(ErrorCode.PAIR_FAILED, Outcome.PAIR_FAILED, "WhatsApp did not provide a " + noun + " ("
                + reason + "). Please request a new validation.", now);
    }

    private List<Effect> show(Shown next, Instant now) {
        shown = next;
        shownDelivered = false;
        long token = ++shownToken;
        log.info("{} generated for {}", display().title(), sessionId);
        return List.of(new Effect.Announce(next, header(now), true, token),
                new Effect.ScheduleExpiry(next.expiresAt(), token));
    }

    /** The broker confirmed the event announcing the QR (or code) of {@code token}: the backend has it. */
    List<Effect> onShownDelivered(long token) {
        if (token == shownToken) {
            shownDelivered = true;
        }
        return List.of();
    }

    /** The retry rule, the same whether a QR or a pairing code expired unused. */
    List<Effect> onShownExpired(long token, Instant now) {
        if (token != shownToken || state != SessionState.PAIRING) {
            return List.of();
        }
        shown = null;
        PairingDisplay display = display();
        if (!shownDelivered) {
            log.warn("{} of {} expired before the backend could see it (its event is not confirmed yet): replacing it"
                    + " without spending an attempt ({}/{} used)", display.capitalizedNoun(), sessionId, attempt,
                    settings.maxQrRetries());
            List<Effect> effects = new ArrayList<>();
            effects.add(new Effect.CountRegeneration(RegenerationTrigger.UNSEEN));
            effects.addAll(showNext(now));
            return effects;
        }
        int max = settings.maxQrRetries();
        if (attempt < max) {
            attempt++;
            log.info("{} expired for {}. Attempt {}/{}", display.capitalizedNoun(), sessionId, attempt, max);
            log.info("Regenerating {} for {} (attempt {}/{})...", display.noun(), sessionId, attempt, max);
            List<Effect> effects = new ArrayList<>();
            effects.add(new Effect.CountRegeneration(RegenerationTrigger.EXPIRY));
            effects.add(new Effect.Publish(new WorkerEvent.QrRegenerating(header(now), attempt, max,
                    "%s expired. Generating new %s (attempt %d/%d)".formatted(display.capitalizedNoun(),
                            display.noun(), attempt, max))));
            effects.addAll(showNext(now));
            return effects;
        }
        log.info("{} expired for {}. Attempt {}/{}", display.capitalizedNoun(), sessionId, attempt, max);
        log.info("Max QR retry attempts ({}) reached for {}. Giving up.", max, sessionId);
        return fail(ErrorCode.QR_RETRIES_EXHAUSTED, Outcome.QR_RETRIES_EXHAUSTED,
                "QR code generation failed after %d attempts. Please request a new validation.".formatted(max), now);
    }

    /** The connection back-off is over. */
    List<Effect> onReconnectDue(long token) {
        return token == reconnectToken ? List.of(Effect.CONNECT) : List.of();
    }

    // ---- endings --------------------------------------------------------------------------------------------

    /** The worker stops: the client is released, credentials kept, so a linked session comes back. */
    List<Effect> onShutdown() {
        cancelTimers();
        return List.of(new Effect.End(false));
    }

    /** A step of this number failed unexpectedly: the session ends, the backend is told to start over. */
    List<Effect> onInternalError(String message, Instant now) {
        return fail(ErrorCode.INTERNAL_ERROR, Outcome.INTERNAL_ERROR, message, now);
    }

    /**
     * Ends the session on a failure: the client is released (credentials kept: a linked device stays linked),
     * the error published.
     */
    private List<Effect> fail(ErrorCode code, Outcome outcome, String message, Instant now) {
        List<Effect> effects = new ArrayList<>();
        if (outcome != null) {
            finishValidation(outcome, effects);
        }
        cancelTimers();
        effects.add(new Effect.End(false));
        effects.add(error(code, message, now));
        return effects;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Starts a fresh validation: retry counter, QR numbering and refs back to zero. */
    private void resetValidation(Instant now) {
        attempt = 0;
        qrIndex = 0;
        validationStartedAt = now;
        forgetRefs();
    }

    private void forgetRefs() {
        refs = null;
        nextRef = 0;
        codeRequested = false;
        shown = null;
    }

    /** Makes pending timers stale: if their firing is already queued, it is recognised and ignored. */
    private void cancelTimers() {
        shownToken++;
        reconnectToken++;
    }

    private void finishValidation(Outcome outcome, List<Effect> effects) {
        if (validationStartedAt != null) {
            effects.add(new Effect.ValidationFinished(outcome, Optional.empty()));
            validationStartedAt = null;
        }
    }

    private PairingDisplay display() {
        return PairingDisplay.of(pairingMethod);
    }

    private EventHeader header(Instant now) {
        return new EventHeader(numberId, sessionId, now, correlationId);
    }

    private Effect connected(Instant now, Optional<String> message) {
        return new Effect.Publish(new WorkerEvent.Connected(header(now), linkedPhoneNumber, jid, message));
    }

    private Effect error(ErrorCode code, String message, Instant now) {
        return new Effect.Publish(new WorkerEvent.Error(header(now), code, message));
    }
}
