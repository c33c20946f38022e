package dev.waworker.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.session.SessionMetrics.Outcome;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * Runs every number's WhatsApp session: the backend's commands, the clients' events and the timers are handed to
 * the number's {@link NumberValidation}, which decides, and the {@link Effect}s it returns are carried out here,
 * all on the number's own serial lane, so that one number's steps never overlap and never wait for another
 * number's.
 *
 * <p>Nothing a step does is seen outside before it is recorded: at the end of each lane step, the session's record
 * (or its removal) and the events the step produced are written to the {@link ValidationJournal} at once, and a
 * command's future completes (so that the command is acknowledged) only after that. The journal delivers the
 * events in order per number, so that the backend never sees a QR after the {@code connected} that made it
 * obsolete.
 */
public final class SessionManager implements SessionCommandHandler {

    /** The MDC fields of a lane step's log lines (the lane threads carry {@code workerId} themselves). */
    static final String NUMBER_ID = "numberId";
    static final String SESSION_ID = "sessionId";

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final WhatsAppClientFactory whatsApp;
    private final QrCodeRenderer qrRenderer;
    private final ValidationJournal journal;
    private final SessionSettings settings;
    private final Clock clock;
    private final Timers timers;
    private final SessionMetrics metrics;
    private final SerialLanes lanes;
    private final ConcurrentHashMap<Long, LiveSession> sessions = new ConcurrentHashMap<>();
    /**
     * The events the running step of each number produced, written with its record when the step ends. Only the
     * number's lane touches its list.
     */
    private final ConcurrentHashMap<Long, List<Owed>> owed = new ConcurrentHashMap<>();

    /** An event a step produced, and what to do once the broker confirmed it. */
    private record Owed(WorkerEvent event, Runnable onConfirmed) {
    }

    /** @param laneExecutor runs the numbers' lanes */
    public SessionManager(WhatsAppClientFactory whatsApp, QrCodeRenderer qrRenderer, ValidationJournal journal,
                          SessionSettings settings, Clock clock, Timers timers, SessionMetrics metrics,
                          Executor laneExecutor) {
        this.whatsApp = whatsApp;
        this.qrRenderer = qrRenderer;
        this.journal = journal;
        this.settings = settings;
        this.clock = clock;
        this.timers = timers;
        this.metrics = metrics;
        this.lanes = new SerialLanes(laneExecutor);
        metrics.watchSessions(this::countInState);
    }

    // ---- what happens to a number -----------------------------------------------------------------------------

    @Override
    public CompletionStage<Void> handle(SessionCommand command) {
        return onLane(new StepOrigin(LaneStep.COMMAND, command.numberId(), command.sessionId(),
                command.correlationId()), () -> execute(command));
    }

    private void execute(SessionCommand command) {
        Instant now = clock.instant();
        LiveSession session = sessions.get(command.numberId());
        if (session != null && !PhoneNumbers.sameNumber(session.validation.phoneNumber(), command.phoneNumber())) {
            carry(session, session.validation.onSuperseded(command, now));
            session = null;
        }
        if (session == null) {
            carry(null, NumberValidation.withoutSession(command, now));
        } else {
            carry(session, session.validation.onCommand(command, now));
        }
    }

    private void onClientEvent(LiveSession session, ClientEvent event) {
        if (sessions.get(session.validation.numberId()) != session) {
            log.debug("Dropping {} of a replaced client of {}", event, session.validation.sessionId());
            return;
        }
        carry(session, session.validation.onClientEvent(event, clock.instant()));
    }

    private void onShownExpired(LiveSession session, long token) {
        if (sessions.get(session.validation.numberId()) == session) {
            session.shownExpiry = null;
            carry(session, session.validation.onShownExpired(token, clock.instant()));
        }
    }

    private void onShownDelivered(LiveSession session, long token) {
        if (sessions.get(session.validation.numberId()) == session) {
            carry(session, session.validation.onShownDelivered(token));
        }
    }

    private void onReconnectDue(LiveSession session, long token) {
        if (sessions.get(session.validation.numberId()) == session) {
            session.reconnectTimer = null;
            carry(session, session.validation.onReconnectDue(token));
        }
    }

    // ---- carrying effects out ---------------------------------------------------------------------------------

    /** Carries out the effects of a transition of {@code session} (null for a number without a live session). */
    private void carry(LiveSession session, List<Effect> effects) {
        for (Effect effect : effects) {
            switch (effect) {
                case Effect.Connect ignored -> session.client.connect();
                case Effect.Disconnect ignored -> session.client.disconnect();
                case Effect.RequestPairingCode ignored -> requestPairingCode(session);
                case Effect.CancelTimers ignored -> session.cancelTimers();
                case Effect.End end -> end(session, end.logOut());
                case Effect.Start start -> start(start.command(), start.waitingSince(), start.resumed());
                case Effect.Forget forget -> forget(forget);
                case Effect.Publish publish -> publish(publish.event());
                case Effect.Announce announce -> announce(session, announce);
                case Effect.ScheduleExpiry expiry -> session.shownExpiry = timers.schedule(
                        Duration.between(clock.instant(), expiry.at()),
                        () -> onLane(origin(session, LaneStep.TIMER), () -> onShownExpired(session, expiry.token())));
                case Effect.ScheduleReconnect reconnect -> session.reconnectTimer = timers.schedule(reconnect.delay(),
                        () -> onLane(origin(session, LaneStep.TIMER), () -> onReconnectDue(session, reconnect.token())));
                case Effect.CountRegeneration count -> metrics.qrRegenerated(count.trigger());
                case Effect.ValidationFinished finished -> {
                    finished.timeToConnected().ifPresent(metrics::connectedAfter);
                    metrics.validationFinished(finished.outcome());
                }
            }
        }
    }

    /** Opens a client and connects it: a stored device reconnects, any other number starts a validation. */
    private void start(SessionCommand command, Optional<Instant> waitingSince, Optional<ValidationRecord> resumed) {
        LiveSession session = new LiveSession(new NumberValidation(command, settings));
        log.info("Creating new WhatsApp session: {}", command.sessionId());
        try {
            session.client = whatsApp.open(new ClientSpec(command.numberId(), command.phoneNumber()),
                    event -> onLane(origin(session, LaneStep.CLIENT_EVENT), () -> onClientEvent(session, event)));
            sessions.put(command.numberId(), session);
            carry(session, session.validation.onClientOpened(session.client.isPaired(), waitingSince, resumed,
                    clock.instant()));
        } catch (RuntimeException failure) {
            // Nothing half-open may stay behind; the failure is the step's (see onStepFailure).
            sessions.remove(command.numberId(), session);
            closeClient(session);
            throw failure;
        }
    }

    private void requestPairingCode(LiveSession session) {
        PairingCode code;
        try {
            code = session.client.requestPairingCode();
        } catch (RuntimeException failure) {
            carry(session, session.validation.onNoPairingCode(failure.getMessage(), clock.instant()));
            return;
        }
        // Read the clock after WhatsApp answered: the code lives its ttl from the answer on.
        carry(session, session.validation.onPairingCode(code, clock.instant()));
    }

    private void forget(Effect.Forget forget) {
        if (whatsApp.forget(forget.numberId())) {
            log.info("Deleted the stored device of number {} (no live session)", forget.numberId());
            forget.ifForgotten().ifPresent(this::publish);
        } else if (forget.ifForgotten().isPresent()) {
            log.info("Close for number {}: no session, nothing to do", forget.numberId());
        }
    }

    /** Drops the session and releases its client; with {@code logOut} the device is unlinked and forgotten. */
    private void end(LiveSession session, boolean logOut) {
        session.cancelTimers();
        sessions.remove(session.validation.numberId(), session);
        if (logOut) {
            try {
                session.client.logout();
            } catch (RuntimeException e) {
                log.warn("Logging out {} failed: {}", session.validation.sessionId(), e.getMessage());
            }
        }
        closeClient(session);
    }

    private static void closeClient(LiveSession session) {
        if (session.client == null) {
            return;
        }
        try {
            session.client.close();
        } catch (RuntimeException e) {
            log.warn("Closing the client of {} failed: {}", session.validation.sessionId(), e.getMessage());
        }
    }

    /** Publishes what the user is shown; a QR is rendered here, its payload logged at DEBUG only. */
    private void announce(LiveSession session, Effect.Announce announce) {
        EventHeader header = announce.header();
        WorkerEvent event = switch (announce.shown()) {
            case Shown.Qr qr -> {
                log.debug("QR {} of {} encodes {}", qr.qrIndex(), header.sessionId(), qr.ref());
                if (announce.fresh()) {
                    metrics.qrGenerated();
                }
                yield new WorkerEvent.QrGenerated(header, qrRenderer.toPngDataUrl(qr.ref()), qr.expiresAt(),
                        qr.qrIndex());
            }
            case Shown.Code code -> {
                if (announce.fresh()) {
                    metrics.pairingCodeGenerated();
                }
                yield new WorkerEvent.PairingCode(header, code.code(), code.expiresAt());
            }
        };
        String title = PairingDisplay.showing(announce.shown()).title();
        owe(event, () -> {
            log.info("{} sent to backend for number {}", title, header.numberId());
            onLane(origin(session, LaneStep.DELIVERY), () -> onShownDelivered(session, announce.token()));
        });
    }

    private void publish(WorkerEvent event) {
        owe(event, () -> { });
    }

    /** Keeps the event for the end of the step, when it is written to the journal with the session's record. */
    private void owe(WorkerEvent event, Runnable onConfirmed) {
        owed.computeIfAbsent(event.header().numberId(), number -> new ArrayList<>()).add(new Owed(event, onConfirmed));
    }

    /**
     * Writes what the step left behind: the session's record (none when it ended) and the events it owes. Some
     * steps leave the record alone (see {@link LaneStep#changesRecord()}) and write only their events, if any.
     */
    private void record(StepOrigin origin) {
        List<Owed> events = owed.remove(origin.numberId());
        List<Owed> toWrite = events == null ? List.of() : events;
        StepRecord.Change change;
        if (!origin.step().changesRecord()) {
            if (toWrite.isEmpty()) {
                return;
            }
            change = new StepRecord.Change.Keep();
        } else {
            LiveSession session = sessions.get(origin.numberId());
            change = session == null ? new StepRecord.Change.Delete()
                    : new StepRecord.Change.Save(session.validation.record());
        }
        List<CompletionStage<Void>> confirms = journal.write(new StepRecord(origin.numberId(), change,
                toWrite.stream().map(Owed::event).toList()));
        for (int i = 0; i < confirms.size(); i++) {
            Runnable onConfirmed = toWrite.get(i).onConfirmed();
            confirms.get(i).thenRun(onConfirmed);
        }
    }

    // ---- failures of lane steps ------------------------------------------------------------------------------

    /** Where a lane step came from, enough to answer for it when it fails. */
    private record StepOrigin(LaneStep step, long numberId, String sessionId, Optional<String> correlationId) {
    }

    private static StepOrigin origin(LiveSession session, LaneStep step) {
        NumberValidation validation = session.validation;
        return new StepOrigin(step, validation.numberId(), validation.sessionId(), validation.correlationId());
    }

    /**
     * Queues a step on the number's lane. A step that throws ends the number's validation loudly rather than
     * leaving it half-done with no timer and no event (see {@link #onStepFailure}), so the returned future only
     * fails when the step could not be run at all (the lanes' executor is shut down); that is logged here too,
     * because most callers (client events, timers) have nobody to hand the future to.
     */
    private CompletableFuture<Void> onLane(StepOrigin origin, Runnable step) {
        CompletableFuture<Void> done = lanes.run(origin.numberId(), () -> {
            // Every line the step logs names its number as fields (structured logging), not only in its text.
            try (MDC.MDCCloseable number = MDC.putCloseable(NUMBER_ID, Long.toString(origin.numberId()));
                 MDC.MDCCloseable session = MDC.putCloseable(SESSION_ID, origin.sessionId())) {
                step.run();
                record(origin);
            } catch (RuntimeException failure) {
                onStepFailure(origin, failure);
                record(origin);
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
        LiveSession session = sessions.get(origin.numberId());
        String message = internalErrorMessage(failure);
        if (session != null) {
            carry(session, session.validation.onInternalError(message, clock.instant()));
        } else {
            publish(new WorkerEvent.Error(new EventHeader(origin.numberId(), origin.sessionId(), clock.instant(),
                    origin.correlationId()), ErrorCode.INTERNAL_ERROR, message));
        }
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

    // ---- lifecycle ------------------------------------------------------------------------------------------

    /** Reconnects the devices kept in the store, e.g. after a restart; each publishes {@code connected}. */
    public void restoreStoredSessions() {
        restore(List.of());
    }

    /**
     * Takes up what was going on before a restart: each device kept in the store reconnects (and publishes
     * {@code connected}); each other session of {@code wereLive} (the records left by the last run) goes on or
     * ends with an error, see {@link NumberValidation#onRestart}. No number is left without a live QR or a final
     * event.
     */
    public void restore(List<ValidationRecord> wereLive) {
        restore(wereLive, whatsApp.storedDevices());
    }

    /**
     * {@link #restore(List)} of these records and devices only: with several workers on one store, each takes up
     * the numbers it could claim.
     */
    public void restore(List<ValidationRecord> wereLive, List<StoredDevice> devices) {
        Set<Long> linked = devices.stream().map(StoredDevice::numberId).collect(Collectors.toSet());
        log.info("Restoring {} stored WhatsApp session(s) and {} other session(s) live before the restart",
                devices.size(), wereLive.stream().filter(record -> !linked.contains(record.numberId())).count());
        for (ValidationRecord record : wereLive) {
            if (!linked.contains(record.numberId())) {
                onLane(new StepOrigin(LaneStep.RESTORE, record.numberId(), record.sessionId(),
                        record.correlationId()), () -> {
                    if (!sessions.containsKey(record.numberId())) {
                        carry(null, NumberValidation.onRestart(record, clock.instant()));
                    }
                });
            }
        }
        devices.forEach(this::reconnect);
    }

    /**
     * Reconnects a linked device from the store unless its number has a session here already; it publishes
     * {@code connected}. How a worker takes over the numbers of one that died.
     */
    public void reconnect(StoredDevice device) {
        SessionCommand restore = new SessionCommand(SessionCommand.Type.CREATE, device.numberId(),
                device.phoneNumber(), PairingMethod.QR, Optional.empty());
        onLane(new StepOrigin(LaneStep.RESTORE, device.numberId(), restore.sessionId(), Optional.empty()), () -> {
            if (!sessions.containsKey(device.numberId())) {
                start(restore, Optional.empty(), Optional.empty());
            }
        });
    }

    /**
     * Drops the number's session as a stop does: its client disconnects, its credentials and record stay. For a
     * worker that no longer owns the number (fencing), so that two workers are never connected for it at once.
     */
    public CompletableFuture<Void> release(long numberId) {
        LiveSession session = sessions.get(numberId);
        if (session == null) {
            return CompletableFuture.completedFuture(null);
        }
        return onLane(origin(session, LaneStep.SHUTDOWN), () -> {
            if (sessions.get(numberId) == session) {
                log.info("Releasing the session of {}: this worker no longer owns it", session.validation.sessionId());
                carry(session, session.validation.onShutdown());
            }
        });
    }

    /** The numbers that have a session on this worker now. */
    public Set<Long> liveNumbers() {
        return Set.copyOf(sessions.keySet());
    }

    /**
     * Lets queued steps finish, then releases every client (credentials stay, so linked sessions come back on the
     * next start; records stay, so validations are taken up again).
     *
     * @return whether everything finished within the timeout
     */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        Instant deadline = clock.instant().plus(timeout);
        boolean finished = lanes.awaitIdle(timeout);
        for (LiveSession session : sessions.values()) {
            onLane(origin(session, LaneStep.SHUTDOWN), () -> carry(session, session.validation.onShutdown()));
        }
        finished &= lanes.awaitIdle(remaining(deadline));
        return finished;
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** A snapshot of the number's session, taken on its lane. */
    public CompletableFuture<Optional<SessionView>> view(long numberId) {
        return lanes.submit(numberId, () -> CompletableFuture.completedFuture(
                Optional.ofNullable(sessions.get(numberId)).map(session -> session.validation.view())));
    }

    private long countInState(SessionState state) {
        return sessions.values().stream().filter(session -> session.validation.state() == state).count();
    }
}
