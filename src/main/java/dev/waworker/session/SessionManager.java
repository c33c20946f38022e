package dev.waworker.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.session.SessionMetrics.Outcome;
import dev.waworker.session.SessionMetrics.RegenerationTrigger;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * Runs every number's WhatsApp session: the backend's commands, the clients' events, the QR retry rule and the
 * timers, all on the number's own serial lane, so that one number's steps never overlap and never wait for
 * another number's.
 *
 * <p>The retry rule (see the contract): QR #1 is published; each time the shown QR expires unscanned while
 * {@code attempt < maxQrRetries}, {@code attempt} grows by one, {@code qr_regenerating} is published, then the next
 * QR. When it expires with {@code attempt == maxQrRetries}, the session is dropped and {@code QR_RETRIES_EXHAUSTED}
 * is published. A scan or a {@code regenerate_qr} resets the counter. A session pairing by code follows the same
 * rule with pairing codes in place of QRs (one per connection): only what is shown differs, see
 * {@link PairingDisplay}.
 *
 * <p>Events of one number reach the sink in the order they were produced: each waits for the confirm of the one
 * before, so that the backend never sees a QR after the {@code connected} that made it obsolete.
 */
public final class SessionManager implements SessionCommandHandler {

    static final String ALREADY_CONNECTED = "Session already connected. No QR needed.";
    static final String CLOSED_BY_BACKEND = "closed by backend";

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final WhatsAppClientFactory whatsApp;
    private final EventSink sink;
    private final SessionSettings settings;
    private final Clock clock;
    private final Timers timers;
    private final SessionMetrics metrics;
    private final QrDisplay qrDisplay;
    private final CodeDisplay codeDisplay;
    private final SerialLanes lanes;
    private final SerialLanes publications;
    private final ConcurrentHashMap<Long, NumberSession> sessions = new ConcurrentHashMap<>();

    /** @param laneExecutor runs the numbers' lanes */
    public SessionManager(WhatsAppClientFactory whatsApp, QrCodeRenderer qrRenderer, EventSink sink,
                          SessionSettings settings, Clock clock, Timers timers, SessionMetrics metrics,
                          Executor laneExecutor) {
        this.whatsApp = whatsApp;
        this.sink = sink;
        this.settings = settings;
        this.clock = clock;
        this.timers = timers;
        this.metrics = metrics;
        this.qrDisplay = new QrDisplay(qrRenderer, clock, metrics);
        this.codeDisplay = new CodeDisplay(clock, metrics);
        this.lanes = new SerialLanes(laneExecutor);
        // A number's next event goes to the sink from whichever thread settled the previous one: the sink hands
        // it over without blocking (EventSink's contract), so no thread of its own is needed for that.
        this.publications = new SerialLanes(Runnable::run);
        metrics.watchSessions(this::countInState);
    }

    // ---- the backend's commands -----------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> handle(SessionCommand command) {
        return onLane(new StepOrigin(LaneStep.COMMAND, command.numberId(), command.sessionId(),
                command.correlationId()), () -> execute(command));
    }

    private void execute(SessionCommand command) {
        switch (command.type()) {
            case CREATE -> create(command);
            case REGENERATE_QR -> regenerateQr(command);
            case CLOSE -> close(command);
            case RECONNECT -> reconnect(command);
        }
    }

    /**
     * Idempotent: a pairing session re-announces its QR or pairing code, a connected one its connection. The
     * pairing method stays the session's: {@code regenerate_qr} is the command that starts over with another.
     */
    private void create(SessionCommand command) {
        NumberSession session = liveSessionOf(command);
        if (session == null) {
            startSession(command);
            return;
        }
        session.correlationId = command.correlationId();
        switch (session.state()) {
            case CONNECTED -> publishConnected(session, Optional.empty());
            case PAIRING -> {
                String noun = display(session).noun();
                if (command.pairingMethod() != session.pairingMethod) {
                    log.info("Session {} is already pairing by {}: create keeps it (regenerate_qr switches methods)",
                            session.sessionId, noun);
                }
                if (session.shown != null) {
                    log.info("Session {} is already pairing: sending its current {} again", session.sessionId, noun);
                    publishShown(session);
                } else {
                    log.info("Session {} is already pairing: its {} follows", session.sessionId, noun);
                }
            }
            case LINKING, CONNECTING ->
                    log.info("Session {} is already {}: its outcome follows", session.sessionId, session.state());
        }
    }

    private void regenerateQr(SessionCommand command) {
        NumberSession session = liveSessionOf(command);
        if (session != null && session.state() == SessionState.CONNECTED) {
            session.correlationId = command.correlationId();
            publishConnected(session, Optional.of(ALREADY_CONNECTED));
            return;
        }
        log.info("Manual QR regeneration requested for number {}", command.numberId());
        metrics.qrRegenerated(RegenerationTrigger.MANUAL);
        Instant validationStartedAt = null;
        if (session != null) {
            log.info("Closing the existing session {} to regenerate its QR", session.sessionId);
            validationStartedAt = session.validationStartedAt;
            end(session, session.client.isPaired());
        } else if (whatsApp.forget(command.numberId())) {
            log.info("Dropped the stored device of number {} to pair it again", command.numberId());
        }
        NumberSession fresh = startSession(command);
        if (validationStartedAt != null) {
            // The user has been waiting since the first create: that is what time-to-connected must measure.
            fresh.validationStartedAt = validationStartedAt;
        }
    }

    private void close(SessionCommand command) {
        NumberSession session = sessions.get(command.numberId());
        if (session != null) {
            session.correlationId = command.correlationId();
            if (session.validationStartedAt != null) {
                metrics.validationFinished(Outcome.CLOSED);
            }
            end(session, true);
            log.info("Session {} closed by backend", session.sessionId);
            publish(new WorkerEvent.Disconnected(header(session), CLOSED_BY_BACKEND));
        } else if (whatsApp.forget(command.numberId())) {
            log.info("Deleted the stored device of number {} (no live session)", command.numberId());
            publish(new WorkerEvent.Disconnected(headerFor(command), CLOSED_BY_BACKEND));
        } else {
            log.info("Close for number {}: no session, nothing to do", command.numberId());
        }
    }

    /** Reconnects a live session; a number without one is started (its stored device, or a fresh validation). */
    private void reconnect(SessionCommand command) {
        NumberSession session = liveSessionOf(command);
        if (session == null) {
            startSession(command);
            return;
        }
        session.correlationId = command.correlationId();
        session.cancelTimers();
        session.connectFailures = 0;
        session.announceNextConnect = true;
        log.info("Reconnecting session {}", session.sessionId);
        session.client.disconnect();
        if (session.client.isPaired()) {
            session.state(SessionState.CONNECTING);
        } else {
            session.state(SessionState.PAIRING);
            session.pairingMethod = command.pairingMethod();
            session.resetValidation(clock.instant());
            log.info("Creating new WhatsApp session: {}", session.sessionId);
        }
        session.client.connect();
    }

    /**
     * The number's live session, or null when it has none. A session opened for another phone number is closed
     * first: the backend re-assigned the number id, and the old account must not stay linked under it.
     */
    private NumberSession liveSessionOf(SessionCommand command) {
        NumberSession session = sessions.get(command.numberId());
        if (session == null || PhoneNumbers.sameNumber(session.phoneNumber, command.phoneNumber())) {
            return session;
        }
        log.warn("Number {} is now {} (was {}): closing {}", command.numberId(), command.phoneNumber(),
                session.phoneNumber, session.sessionId);
        if (session.validationStartedAt != null) {
            metrics.validationFinished(Outcome.SUPERSEDED);
        }
        end(session, true);
        publish(new WorkerEvent.Disconnected(header(session), "replaced by " + command.sessionId()));
        return null;
    }

    /** Opens a client and connects it: a stored device reconnects, any other number starts a validation. */
    private NumberSession startSession(SessionCommand command) {
        NumberSession session = new NumberSession(command, SessionState.PAIRING);
        log.info("Creating new WhatsApp session: {}", session.sessionId);
        try {
            openClient(session);
            sessions.put(session.numberId, session);
            if (session.client.isPaired()) {
                session.state(SessionState.CONNECTING);
            } else {
                session.resetValidation(clock.instant());
            }
            session.client.connect();
        } catch (RuntimeException failure) {
            // Nothing half-open may stay behind: the command fails as a whole and can be sent again.
            sessions.remove(session.numberId, session);
            closeClient(session);
            throw failure;
        }
        return session;
    }

    private void openClient(NumberSession session) {
        int generation = ++session.clientGeneration;
        session.client = whatsApp.open(new ClientSpec(session.numberId, session.phoneNumber),
                event -> onLane(origin(session, LaneStep.CLIENT_EVENT), () -> onClientEvent(session, generation, event)));
    }

    // ---- the clients' events --------------------------------------------------------------------------------

    private void onClientEvent(NumberSession session, int generation, ClientEvent event) {
        if (sessions.get(session.numberId) != session || session.clientGeneration != generation) {
            log.debug("Dropping {} of a replaced client of {}", event, session.sessionId);
            return;
        }
        log.debug("{} for {}", event, session.sessionId);
        switch (event) {
            case ClientEvent.QrCodes refs -> onQrCodes(session, refs);
            case ClientEvent.PairSuccess paired -> onPairSuccess(session, paired);
            case ClientEvent.PhoneMismatch mismatch -> rejectAccount(session, mismatch.scannedPhoneNumber());
            case ClientEvent.PairFailed failed -> fail(session, ErrorCode.PAIR_FAILED, Outcome.PAIR_FAILED,
                    "Linking the device failed (" + failed.reason() + "). Please request a new validation.");
            case ClientEvent.Connected connected -> onConnected(session, connected);
            case ClientEvent.LoggedOut loggedOut -> onLoggedOut(session, loggedOut);
            case ClientEvent.StreamReplaced ignored -> fail(session, ErrorCode.STREAM_REPLACED, null,
                    "Another client connected with this device's credentials; this worker let go of the"
                            + " connection. Send reconnect to take it back.");
            case ClientEvent.Disconnected disconnected -> onDisconnected(session, disconnected);
            case ClientEvent.ConnectFailed failed -> onConnectFailed(session, failed);
            case ClientEvent.ClientOutdated ignored -> fail(session, ErrorCode.CLIENT_OUTDATED,
                    Outcome.CLIENT_OUTDATED, "WhatsApp rejected this client version: the worker must be updated.");
            case ClientEvent.ScannedWithoutMultidevice ignored -> publishError(session,
                    ErrorCode.SCANNED_WITHOUT_MULTIDEVICE, "The QR code was scanned by a phone without multi-device"
                            + " support. Update WhatsApp on the phone, then scan the next QR code.");
            // A dead connection ends in Disconnected, which is what counts: these only tell operators why.
            case ClientEvent.KeepAliveTimeout timeout -> log.warn("Session {}: {} keep-alive pings in a row"
                    + " went unanswered", session.sessionId, timeout.errorCount());
            case ClientEvent.KeepAliveRestored ignored ->
                    log.info("Session {}: keep-alive pings are answered again", session.sessionId);
            case ClientEvent.TemporaryBan ban -> fail(session, ErrorCode.TEMPORARY_BAN, Outcome.TEMPORARY_BAN,
                    "WhatsApp temporarily banned this account (code " + ban.code() + ", lifted in "
                            + ban.expiresIn() + ").");
        }
    }

    private void onQrCodes(NumberSession session, ClientEvent.QrCodes refs) {
        if (session.state() != SessionState.PAIRING) {
            log.warn("Session {} received pairing codes while {}: ignored", session.sessionId, session.state());
            return;
        }
        session.useConnection(refs);
        session.connectFailures = 0;
        showNext(session);
    }

    /**
     * Shows the user what the pairing connection offers next (its next QR ref, or its pairing code), or opens a
     * new connection when it has nothing more to offer.
     */
    private void showNext(NumberSession session) {
        PairingDisplay display = display(session);
        Optional<Shown> next;
        try {
            next = display.next(session);
        } catch (RuntimeException failure) {
            log.warn("No {} for {}: {}", display.noun(), session.sessionId, failure.getMessage());
            fail(session, ErrorCode.PAIR_FAILED, Outcome.PAIR_FAILED, "WhatsApp did not provide a "
                    + display.noun() + " (" + failure.getMessage() + "). Please request a new validation.");
            return;
        }
        if (next.isEmpty()) {
            // WhatsApp hands out a few refs (or one pairing code) per connection; a new connection brings more.
            session.forgetRefs();
            log.info("Creating new WhatsApp session: {}", session.sessionId);
            session.client.disconnect();
            session.client.connect();
            return;
        }
        session.shown = next.get();
        log.info("{} generated for {}", display.title(), session.sessionId);
        publishShown(session);
        long token = ++session.shownToken;
        session.shownExpiry = timers.schedule(Duration.between(clock.instant(), session.shown.expiresAt()),
                () -> onLane(origin(session, LaneStep.TIMER), () -> onShownExpired(session, token)));
    }

    /** The retry rule, the same whether a QR or a pairing code expired unused. */
    private void onShownExpired(NumberSession session, long token) {
        if (sessions.get(session.numberId) != session || token != session.shownToken
                || session.state() != SessionState.PAIRING) {
            return;
        }
        session.shownExpiry = null;
        session.shown = null;
        PairingDisplay display = display(session);
        int max = settings.maxQrRetries();
        if (session.attempt < max) {
            session.attempt++;
            log.info("{} expired for {}. Attempt {}/{}", display.capitalizedNoun(), session.sessionId,
                    session.attempt, max);
            log.info("Regenerating {} for {} (attempt {}/{})...", display.noun(), session.sessionId,
                    session.attempt, max);
            metrics.qrRegenerated(RegenerationTrigger.EXPIRY);
            publish(new WorkerEvent.QrRegenerating(header(session), session.attempt, max,
                    "%s expired. Generating new %s (attempt %d/%d)".formatted(display.capitalizedNoun(),
                            display.noun(), session.attempt, max)));
            showNext(session);
        } else {
            log.info("{} expired for {}. Attempt {}/{}", display.capitalizedNoun(), session.sessionId,
                    session.attempt, max);
            log.info("Max QR retry attempts ({}) reached for {}. Giving up.", max, session.sessionId);
            fail(session, ErrorCode.QR_RETRIES_EXHAUSTED, Outcome.QR_RETRIES_EXHAUSTED,
                    "QR code generation failed after %d attempts. Please request a new validation.".formatted(max));
        }
    }

    private void onPairSuccess(NumberSession session, ClientEvent.PairSuccess paired) {
        if (!PhoneNumbers.sameNumber(paired.phoneNumber(), session.phoneNumber)) {
            rejectAccount(session, paired.phoneNumber());
            return;
        }
        session.cancelTimers();
        session.forgetRefs();
        session.jid = paired.jid();
        session.state(SessionState.LINKING);
        log.info("The {} of {} was used: device linked as {}", display(session).noun(), session.sessionId,
                paired.jid());
    }

    /**
     * The account that scanned the QR (or entered the code) is not the requested number: unlink it at once, never
     * report it connected.
     */
    private void rejectAccount(NumberSession session, String linkingPhoneNumber) {
        String usedBy = display(session).usedBy();
        log.warn("Phone mismatch for {}: the account {} is {}", session.sessionId, usedBy, linkingPhoneNumber);
        endValidation(session, Outcome.PHONE_MISMATCH);
        end(session, true);
        publishError(session, ErrorCode.PHONE_MISMATCH, "The WhatsApp account that " + usedBy + " ("
                + linkingPhoneNumber + ") is not " + session.phoneNumber
                + ". Nothing was linked; please request a new validation and link it from that number's phone.");
    }

    private void onConnected(NumberSession session, ClientEvent.Connected connected) {
        if (session.state() != SessionState.CONNECTED
                && !PhoneNumbers.sameNumber(connected.phoneNumber(), session.phoneNumber)) {
            rejectAccount(session, connected.phoneNumber());
            return;
        }
        session.cancelTimers();
        session.forgetRefs();
        session.connectFailures = 0;
        session.attempt = 0;
        session.jid = connected.jid();
        session.linkedPhoneNumber = connected.phoneNumber();
        session.state(SessionState.CONNECTED);
        if (session.validationStartedAt != null) {
            metrics.connectedAfter(Duration.between(session.validationStartedAt, clock.instant()));
            endValidation(session, Outcome.CONNECTED);
        }
        if (session.announceNextConnect) {
            session.announceNextConnect = false;
            log.info("Session {} connected successfully", session.sessionId);
            publishConnected(session, Optional.empty());
        } else {
            log.info("Session {} connected again", session.sessionId);
        }
    }

    private void onLoggedOut(NumberSession session, ClientEvent.LoggedOut loggedOut) {
        log.info("Session {} was logged out: {}", session.sessionId, loggedOut.reason());
        endValidation(session, Outcome.CLOSED);
        end(session, true);
        publish(new WorkerEvent.Disconnected(header(session), loggedOut.reason()));
    }

    private void onDisconnected(NumberSession session, ClientEvent.Disconnected disconnected) {
        switch (session.state()) {
            case CONNECTED -> {
                log.warn("Session {} lost its connection ({}): reconnecting", session.sessionId,
                        disconnected.reason());
                session.state(SessionState.CONNECTING);
            }
            case PAIRING -> {
                // The refs died with the connection: the next expiry opens a new connection for fresh ones.
                log.info("Pairing connection of {} closed ({})", session.sessionId, disconnected.reason());
                session.refs = null;
            }
            // After a scan WhatsApp closes the pairing connection and the client logs in again: expected.
            case LINKING, CONNECTING -> log.debug("{} disconnected while {}", session.sessionId, session.state());
        }
    }

    private void onConnectFailed(NumberSession session, ClientEvent.ConnectFailed failed) {
        session.connectFailures++;
        int allowed = settings.connectAttempts();
        if (session.connectFailures < allowed) {
            Duration wait = settings.backoffAfter(session.connectFailures);
            log.warn("Connection attempt {}/{} of {} failed ({}): retrying in {}", session.connectFailures, allowed,
                    session.sessionId, failed.reason(), wait);
            long token = ++session.reconnectToken;
            session.reconnectTimer = timers.schedule(wait,
                    () -> onLane(origin(session, LaneStep.TIMER), () -> retryConnect(session, token)));
            return;
        }
        log.error("Could not connect {} to WhatsApp after {} attempts: {}", session.sessionId, allowed,
                failed.reason());
        fail(session, ErrorCode.CONNECT_FAILED, Outcome.CONNECT_FAILED, "Could not connect to WhatsApp after "
                + allowed + " attempts (" + failed.reason() + "). Please try again later.");
    }

    private void retryConnect(NumberSession session, long token) {
        if (sessions.get(session.numberId) == session && token == session.reconnectToken) {
            session.reconnectTimer = null;
            session.client.connect();
        }
    }

    /**
     * Ends the session on a failure: the client is released (credentials kept: a linked device stays linked),
     * the error published.
     */
    private void fail(NumberSession session, ErrorCode code, Outcome outcome, String message) {
        if (outcome != null) {
            endValidation(session, outcome);
        }
        end(session, false);
        publishError(session, code, message);
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------

    /** Reconnects the devices kept in the store, e.g. after a restart; each publishes {@code connected}. */
    public void restoreStoredSessions() {
        List<StoredDevice> devices = whatsApp.storedDevices();
        log.info("Restoring {} stored WhatsApp session(s)", devices.size());
        for (StoredDevice device : devices) {
            SessionCommand restore = new SessionCommand(SessionCommand.Type.CREATE, device.numberId(),
                    device.phoneNumber(), PairingMethod.QR, Optional.empty());
            onLane(new StepOrigin(LaneStep.RESTORE, device.numberId(), restore.sessionId(), Optional.empty()), () -> {
                if (!sessions.containsKey(device.numberId())) {
                    startSession(restore);
                }
            });
        }
    }

    /**
     * Lets queued steps finish, then releases every client (credentials stay, so linked sessions come back on the
     * next start) and waits for the last events to be handed over.
     *
     * @return whether everything finished within the timeout
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        boolean finished = lanes.awaitIdle(timeout);
        for (NumberSession session : sessions.values()) {
            onLane(origin(session, LaneStep.SHUTDOWN), () -> end(session, false));
        }
        finished &= lanes.awaitIdle(remaining(deadline));
        finished &= publications.awaitIdle(remaining(deadline));
        return finished;
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** A snapshot of the number's session, taken on its lane. */
    public CompletableFuture<Optional<SessionView>> view(long numberId) {
        return lanes.submit(numberId, () -> CompletableFuture.completedFuture(
                Optional.ofNullable(sessions.get(numberId)).map(NumberSession::view)));
    }

    private long countInState(SessionState state) {
        return sessions.values().stream().filter(session -> session.state() == state).count();
    }

    // ---- failures of lane steps ------------------------------------------------------------------------------

    /** Where a lane step came from, enough to answer for it when it fails. */
    private record StepOrigin(LaneStep step, long numberId, String sessionId, Optional<String> correlationId) {
    }

    private static StepOrigin origin(NumberSession session, LaneStep step) {
        return new StepOrigin(step, session.numberId, session.sessionId, session.correlationId);
    }

    /**
     * Queues a step on the number's lane. A step that throws ends the number's validation loudly rather than
     * leaving it half-done with no timer and no event (see {@link #onStepFailure}), so the returned future only
     * fails when the step could not be run at all (the lanes' executor is shut down); that is logged here too,
     * because most callers (client events, timers) have nobody to hand the future to.
     */
    private CompletableFuture<Void> onLane(StepOrigin origin, Runnable step) {
        CompletableFuture<Void> done = lanes.run(origin.numberId(), () -> {
            try {
                step.run();
            } catch (RuntimeException failure) {
                onStepFailure(origin, failure);
            }
        });
        done.whenComplete((ignored, refused) -> {
            if (refused != null) {
                log.error("A {} step of number {} was not run: {}", origin.step().tag(), origin.numberId(),
                        refused.toString());
            }
        });
        return done;
    }

    /**
     * A step threw: the number's session is dropped (its client released, credentials kept), the failure logged
     * once with its stack trace and counted, and the backend told with {@code INTERNAL_ERROR}, so that no number
     * is left waiting for an event that will never come.
     */
    private void onStepFailure(StepOrigin origin, RuntimeException failure) {
        log.error("A {} step of number {} failed: ending its validation with {}", origin.step().tag(),
                origin.numberId(), ErrorCode.INTERNAL_ERROR, failure);
        metrics.laneStepFailed(origin.step());
        NumberSession session = sessions.get(origin.numberId());
        EventHeader header = new EventHeader(origin.numberId(), origin.sessionId(), clock.instant(),
                origin.correlationId());
        if (session != null) {
            endValidation(session, Outcome.INTERNAL_ERROR);
            end(session, false);
            header = header(session);
        }
        publish(new WorkerEvent.Error(header, ErrorCode.INTERNAL_ERROR, internalErrorMessage(failure)));
    }

    /** What the backend reads: the kind of failure and what to do, never a stack trace. */
    static String internalErrorMessage(RuntimeException failure) {
        String detail = failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + firstLine(failure.getMessage());
        return "The worker failed while handling this number (" + detail + "). Nothing is running for it any"
                + " more; please request a new validation.";
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Drops the session and releases its client; with {@code logOut} the device is unlinked and forgotten. */
    private void end(NumberSession session, boolean logOut) {
        session.cancelTimers();
        sessions.remove(session.numberId, session);
        if (logOut) {
            try {
                session.client.logout();
            } catch (RuntimeException e) {
                log.warn("Logging out {} failed: {}", session.sessionId, e.getMessage());
            }
        }
        closeClient(session);
    }

    private static void closeClient(NumberSession session) {
        if (session.client == null) {
            return;
        }
        try {
            session.client.close();
        } catch (RuntimeException e) {
            log.warn("Closing the client of {} failed: {}", session.sessionId, e.getMessage());
        }
    }

    private void endValidation(NumberSession session, Outcome outcome) {
        if (session.validationStartedAt != null) {
            metrics.validationFinished(outcome);
            session.validationStartedAt = null;
        }
    }

    private EventHeader header(NumberSession session) {
        return new EventHeader(session.numberId, session.sessionId, clock.instant(), session.correlationId);
    }

    private EventHeader headerFor(SessionCommand command) {
        return new EventHeader(command.numberId(), command.sessionId(), clock.instant(), command.correlationId());
    }

    private PairingDisplay display(NumberSession session) {
        return switch (session.pairingMethod) {
            case QR -> qrDisplay;
            case CODE -> codeDisplay;
        };
    }

    private void publishShown(NumberSession session) {
        String title = display(session).title();
        publish(session.shown.announcement(header(session)))
                .thenAccept(delivered -> {
                    if (delivered) {
                        log.info("{} sent to backend for number {}", title, session.numberId);
                    }
                });
    }

    private void publishConnected(NumberSession session, Optional<String> message) {
        publish(new WorkerEvent.Connected(header(session), session.linkedPhoneNumber, session.jid, message));
    }

    private void publishError(NumberSession session, ErrorCode code, String message) {
        publish(new WorkerEvent.Error(header(session), code, message));
    }

    /**
     * Queues the event behind the number's previous ones.
     *
     * @return completes with whether the sink confirmed it; a failure is logged here (the sink already retried)
     */
    private CompletableFuture<Boolean> publish(WorkerEvent event) {
        return publications.submit(event.header().numberId(), () -> sink.publish(event))
                .handle((ignored, failure) -> {
                    if (failure == null) {
                        return true;
                    }
                    log.error("Could not deliver {} of {} to the backend: {}", event.action(),
                            event.header().sessionId(), failure.getMessage());
                    return false;
                });
    }
}
