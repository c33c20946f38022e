package dev.waworker.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * The lane runner: one serial lane per number, so that a number's steps never overlap and never wait for another
 * number's. A lane task takes an {@link Input}, asks {@link SessionDecider} for the {@link Step}, counts and
 * journals its facts and carries its effects out; an effect whose result matters (a client opened, a pairing code)
 * adds the result as the next input of the same task, a loop rather than a call back into the runner.
 *
 * <p>Nothing a task does is seen outside before it is recorded: at its end, the session's record (or its removal)
 * and its events are written to the {@link ValidationJournal} at once (with other numbers' tasks that ended meanwhile:
 * group commit), and a command's future completes (the command is acknowledged) only then; the lane stays busy until
 * then. Each broker confirm comes back as an {@link Input.Delivered} ({@link DeliveryNotices}).
 */
public final class SessionManager implements SessionCommandHandler, DeliveryNotices {

    /** The MDC fields of a lane step's log lines (the lane threads carry {@code workerId} themselves). */
    static final String NUMBER_ID = "numberId";
    static final String SESSION_ID = "sessionId";

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);
    private static final CompletableFuture<Void> NOTHING_WRITTEN = CompletableFuture.completedFuture(null);

    private final SessionDecider decider;
    private final ClientLifecycle clients;
    private final Announcements announcements;
    private final ValidationJournal journal;
    private final Clock clock;
    private final Timers timers;
    private final SessionMetrics metrics;
    private final SerialLanes lanes;
    private final SessionCounts counts = new SessionCounts();
    private final StatusResync resyncs;
    private final ReconnectPacing pacing;
    /** The live sessions whose connection waits for its reconnect turn. */
    private final AtomicLong waitingForTurn = new AtomicLong();
    /** The numbers with a live session; each entry is only touched on its number's lane. */
    private final ConcurrentHashMap<Long, LiveSession> sessions = new ConcurrentHashMap<>();

    /**
     * A runner whose linked devices coming back all reconnect at once, unpaced (tests of other concerns).
     *
     * @param laneExecutor runs the numbers' lanes
     */
    public SessionManager(WhatsAppClientFactory whatsApp, QrCodeRenderer qrRenderer, ValidationJournal journal,
                          SessionSettings settings, Clock clock, Timers timers, SessionMetrics metrics,
                          Executor laneExecutor) {
        this(whatsApp, qrRenderer, journal, settings, clock, timers, metrics, laneExecutor, ReconnectPacing.unpaced());
    }

    /**
     * @param laneExecutor runs the numbers' lanes
     * @param pacing       when the linked devices coming back after a restart or a take-over connect
     */
    public SessionManager(WhatsAppClientFactory whatsApp, QrCodeRenderer qrRenderer, ValidationJournal journal,
                          SessionSettings settings, Clock clock, Timers timers, SessionMetrics metrics,
                          Executor laneExecutor, ReconnectPacing pacing) {
        this.pacing = pacing;
        this.decider = new SessionDecider(settings);
        this.clients = new ClientLifecycle(whatsApp);
        this.announcements = new Announcements(qrRenderer, metrics);
        this.journal = journal.reportingTo(this);
        this.clock = clock;
        this.timers = timers;
        this.metrics = metrics;
        this.lanes = new SerialLanes(laneExecutor);
        this.resyncs = new StatusResync(this.journal, settings, clock);
        metrics.watchSessions(counts::count);
        metrics.watchReconnectsWaiting(waitingForTurn::get);
    }

    @Override
    public CompletionStage<Void> handle(SessionCommand command) {
        if (command.type() == SessionCommand.Type.STATUS) {
            return queue(new StepOrigin(LaneStep.STATUS, command.numberId(), command.sessionId(),
                    command.correlationId()), new Input.StatusAsked(command, Optional.empty()), null);
        }
        StepOrigin origin = new StepOrigin(LaneStep.COMMAND, command.numberId(), command.sessionId(),
                command.correlationId());
        return queue(origin, new Input.Command(command), null);
    }

    @Override
    public CompletionStage<Void> resync(String requestId, Optional<String> correlationId) {
        return resyncs.start(requestId, correlationId);
    }

    /** Only the confirms of what a session shows change anything here; the other events' are not queued at all. */
    @Override
    public boolean awaits(String action) {
        return Announcements.announces(action);
    }

    @Override
    public void delivered(long numberId, String eventId) {
        Optional.ofNullable(sessions.get(numberId)).ifPresent(live ->
                queue(StepOrigin.of(live, LaneStep.DELIVERY), new Input.Delivered(eventId), null));
    }

    /**
     * Queues {@code input} on its number's lane; with {@code boundTo}, only for that session (a client event or a
     * timer of a session replaced meanwhile is dropped). A task that throws ends the number's validation loudly
     * (see {@link #onStepFailure}), so the future only fails when the task could not run at all (the executor is
     * shut down): that is logged here, because most callers (client events, timers) have nobody to tell.
     */
    CompletableFuture<Void> queue(StepOrigin origin, Input input, LiveSession boundTo) {
        // The lane stays busy until the task's record is written (its future): the number's next task decides from
        // a state that is durable, and its steps reach the journal in order.
        CompletableFuture<Void> done = lanes.submit(origin.numberId(), () -> {
            // Every line the task logs names its number as fields (structured logging), not only in its text.
            try (MDC.MDCCloseable number = MDC.putCloseable(NUMBER_ID, Long.toString(origin.numberId()));
                 MDC.MDCCloseable session = MDC.putCloseable(SESSION_ID, origin.sessionId())) {
                if (boundTo != null && sessions.get(origin.numberId()) != boundTo) {
                    log.debug("Dropping {} of a replaced session {}", input, origin.sessionId());
                    return NOTHING_WRITTEN;
                }
                LaneTask task = new LaneTask(origin, input);
                try {
                    run(task);
                } catch (RuntimeException failure) {
                    onStepFailure(task, failure);
                }
                return record(task);
            }
        });
        done.exceptionally(refused -> {
            log.error("A {} step of number {} was not run: {}", origin.step().tag(), origin.numberId(),
                    refused.toString());
            return null;
        });
        return done;
    }

    /** Decides and carries out the task's input, then each input the effects answered with, in order. */
    private void run(LaneTask task) {
        long numberId = task.numberId();
        while (task.hasInput()) {
            Optional<NumberSession> before = Optional.ofNullable(sessions.get(numberId)).map(live -> live.state);
            Input input = loaded(task.nextInput(), before);
            Instant now = clock.instant();
            if (input instanceof Input.ShownExpired(long token)) {
                before.flatMap(session -> session.pairing().expiryLateness(token, now))
                        .ifPresent(metrics::shownExpiryHandled);
            }
            Step step = decider.decide(before, input, now);
            step.facts().forEach(fact -> account(fact, task));
            step.effects().forEach(effect -> carry(effect, step, task));
            LiveSession live = sessions.get(numberId);
            if (step.next().isPresent() != (live != null)) {
                throw new IllegalStateException("the step left number " + numberId + (live == null
                        ? " without the client of its session" : " with a client but no session"));
            }
            step.next().ifPresent(next -> counts.moved(live.state.state(), next.state()));
            step.next().ifPresent(next -> live.state = next);
        }
    }

    /**
     * The input with what it needs from the database: a status request for a number without a live session here
     * is answered from what the fleet recorded of it (the last owner's status, or how its last session ended); a
     * restart checks that the session it would take up did not end after its record was read (a take-over reads
     * the records before it reaches the number's lane).
     */
    private Input loaded(Input input, Optional<NumberSession> before) {
        if (input instanceof Input.StatusAsked(SessionCommand command, Optional<NumberStatus> ignored)
                && before.isEmpty()) {
            return new Input.StatusAsked(command, journal.recordedStatus(command.numberId()));
        }
        if (input instanceof Input.Restart(ValidationRecord record, Optional<NumberStatus> ignored)
                && before.isEmpty()) {
            return new Input.Restart(record, journal.recordedStatus(record.numberId()));
        }
        return input;
    }

    /** Whether the fleet's record says a session of the number runs (pairing, connecting or connected). */
    private boolean recordedAsRunning(long numberId) {
        return journal.recordedStatus(numberId).filter(status -> status.state() != NumberStatus.State.UNKNOWN
                && !status.ended()).isPresent();
    }

    private void account(Fact fact, LaneTask task) {
        switch (fact) {
            case Fact.Publish publish -> task.owe(publish.event());
            case Fact.Report report -> task.owe(announcements.statusOf(report));
            case Fact.Announce announce -> {
                String eventId = task.owe(announcements.eventOf(announce));
                if (announce.fresh()) {
                    task.then(new Input.Announced(announce.token(), eventId));
                }
            }
            case Fact.Regenerated regenerated -> metrics.qrRegenerated(regenerated.trigger());
            case Fact.ValidationFinished finished ->
                    metrics.validationFinished(finished.outcome(), finished.timeToConnected());
        }
    }

    /** Carries one effect out; the world's answer, if it matters, is the task's next input. */
    private void carry(Effect effect, Step step, LaneTask task) {
        long numberId = task.numberId();
        LiveSession live = sessions.get(numberId);
        switch (effect) {
            case Effect.Open open -> {
                LiveSession opened = new LiveSession(step.next().orElseThrow());
                opened.client = clients.open(open.spec(),
                        event -> queueFor(opened, LaneStep.CLIENT_EVENT, new Input.FromClient(event)));
                sessions.put(numberId, opened);
                counts.opened(opened.state.state());
                task.then(new Input.ClientOpened(opened.client.isPaired(), open.paced()));
            }
            case Effect.Connect ignored -> {
                stopWaitingForTurn(live);
                live.client.connect();
            }
            case Effect.AwaitReconnectTurn turn -> {
                live.waitingForTurnSince = clock.instant();
                waitingForTurn.incrementAndGet();
                afterOrNow(pacing.reserve(), live, turn.token(), task);
            }
            case Effect.ConnectWhenAdmitted turn -> {
                switch (pacing.admit()) {
                    case ReconnectPacing.Admission.Admitted(Instant at) -> {
                        Duration waited = Duration.between(live.waitingForTurnSince, at);
                        // The instant the pacing counted, in the line: what the rate is checked against afterwards.
                        log.info("Reconnecting {} in its turn at {}, after {} ms", live.state.sessionId(), at,
                                waited.toMillis());
                        metrics.reconnectStarted(waited);
                        stopWaitingForTurn(live);
                        live.client.connect();
                    }
                    case ReconnectPacing.Admission.NotYet(Duration retryAfter) ->
                            afterOrNow(retryAfter, live, turn.token(), task);
                }
            }
            case Effect.Disconnect ignored -> live.client.disconnect();
            case Effect.RequestPairingCode ignored -> task.then(clients.requestPairingCode(live.client));
            case Effect.CancelTimers ignored -> live.cancelTimers();
            case Effect.End end -> {
                stopWaitingForTurn(live);
                live.cancelTimers();
                sessions.remove(numberId, live);
                counts.ended(live.state.state());
                clients.release(live.client, end.logOut(), live.state.sessionId());
            }
            case Effect.Forget forget -> {
                if (clients.forget(numberId)) {
                    log.info("Deleted the stored device of number {} (no live session)", numberId);
                    forget.ifForgotten().ifPresent(task::owe);
                } else if (forget.ifForgotten().isPresent() && recordedAsRunning(numberId)) {
                    // Its owner died before it could end the session (a shared database): the backend still waits
                    // for this validation's end, and no survivor will resume it now that the command claimed it.
                    log.info("Close for number {}: its session ran on a worker that is gone; ending it", numberId);
                    forget.ifForgotten().ifPresent(task::owe);
                } else if (forget.ifForgotten().isPresent()) {
                    log.info("Close for number {}: no session, nothing to do", numberId);
                }
            }
            case Effect.ScheduleExpiry expiry -> live.shownExpiry = timers.schedule(Duration.between(clock.instant(),
                    expiry.at()), () -> queueFor(live, LaneStep.TIMER, new Input.ShownExpired(expiry.token())));
            case Effect.ScheduleReconnect retry -> live.reconnectTimer = timers.schedule(retry.delay(),
                    () -> queueFor(live, LaneStep.TIMER, new Input.ReconnectDue(retry.token())));
        }
    }

    /** Queues the reconnect turn of {@code token} after {@code wait}; at once (in this task) when there is none. */
    private void afterOrNow(Duration wait, LiveSession live, long token, LaneTask task) {
        if (wait.isZero()) {
            task.then(new Input.ReconnectTurn(token));
        } else {
            live.reconnectTimer = timers.schedule(wait,
                    () -> queueFor(live, LaneStep.TIMER, new Input.ReconnectTurn(token)));
        }
    }

    private void stopWaitingForTurn(LiveSession live) {
        if (live.waitingForTurnSince != null) {
            live.waitingForTurnSince = null;
            waitingForTurn.decrementAndGet();
        }
    }

    /**
     * Writes what the task left behind: the session's record (none when it ended) and the events it owes, with
     * where the number now stands (its live session's status, or how it ended). Some tasks leave the record alone
     * (see {@link LaneStep#changesRecord()}) and write only their events, if any; unless a step of theirs failed,
     * which ended the number's validation.
     */
    private CompletionStage<Void> record(LaneTask task) {
        LiveSession live = sessions.get(task.numberId());
        if (task.origin().step().changesRecord() || task.failed()) {
            return journal.writeAsync(live == null ? task.record(new StepRecord.Change.Delete(), task.ending())
                    : task.record(new StepRecord.Change.Save(live.state.record()),
                            Optional.of(NumberStatus.of(live.state))));
        }
        return task.owesNothing() ? NOTHING_WRITTEN
                : journal.writeAsync(task.record(new StepRecord.Change.Keep(), Optional.empty()));
    }

    /**
     * A task threw: the failure is logged once with its stack trace and counted, and the number's validation ends
     * with {@code INTERNAL_ERROR} (its client released, credentials kept), so that no number is left waiting for
     * an event that will never come.
     */
    private void onStepFailure(LaneTask failed, RuntimeException failure) {
        StepOrigin origin = failed.origin();
        log.error("A {} step of number {} failed: ending its validation with {}", origin.step().tag(),
                origin.numberId(), ErrorCode.INTERNAL_ERROR, failure);
        metrics.laneStepFailed(origin.step());
        failed.failedWith(new Input.StepFailed(InternalErrorMessage.of(failure), new EventHeader(origin.numberId(),
                origin.sessionId(), clock.instant(), origin.correlationId())));
        run(failed);
    }

    // ---- for the hand-over and the worker's stop ----------------------------------------------------------

    /** Queues {@link Input.Release} for the number's current session, if it has one. */
    CompletableFuture<Void> release(long numberId) {
        LiveSession live = sessions.get(numberId);
        return live == null ? CompletableFuture.completedFuture(null)
                : queueFor(live, LaneStep.SHUTDOWN, new Input.Release());
    }

    /** Queues {@code input} for the session {@code live} only: dropped if the number's session is another by then. */
    private CompletableFuture<Void> queueFor(LiveSession live, LaneStep step, Input input) {
        return queue(StepOrigin.of(live, step), input, live);
    }

    /** The numbers that have a session on this worker now. */
    Set<Long> liveNumbers() {
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
        sessions.keySet().forEach(this::release);
        Duration left = Duration.between(clock.instant(), deadline);
        return finished & lanes.awaitIdle(left.isNegative() ? Duration.ZERO : left);
    }

    /** A snapshot of the number's session, taken on its lane. */
    public CompletableFuture<Optional<SessionView>> view(long numberId) {
        return lanes.submit(numberId, () -> CompletableFuture.completedFuture(
                Optional.ofNullable(sessions.get(numberId)).map(live -> live.state.view())));
    }
}
