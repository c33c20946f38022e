package dev.waworker.session;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resync ({@code status} without a number): one {@code status} event per number the database recorded, whichever
 * worker recorded it, then one {@code status_end} with the count. The worker that receives the request answers for
 * the whole fleet from the shared database: that is the one place that knows every number once, so the snapshot
 * is complete even for the numbers of a worker that died. It carries what the database keeps: no QR image and no
 * pairing code (those live only in the owner's memory; a {@code status} for the number brings them).
 *
 * <p>Bounded in memory and in rate, so that 10,000 numbers hold nothing else up: the numbers are read a page at a
 * time, each page is written to the outbox in one transaction, and the next page is read only once the broker
 * confirmed the previous one. Other numbers' events therefore never wait behind more than one page. The
 * {@code status_end} is written once every {@code status} before it was confirmed, so it reaches the backend last.
 * Resyncs run one at a time on their own thread, never on a number's lane.
 */
final class StatusResync {

    static final int PAGE_SIZE = 100;
    /** Resyncs waiting for their turn; one more is refused (the request is dead-lettered, nothing is lost). */
    static final int MAX_WAITING = 8;
    private static final Duration CONFIRM_POLL = Duration.ofMillis(20);
    /** How long a page may wait for its confirms (the broker is away) before the resync gives up. */
    static final Duration CONFIRM_PATIENCE = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(StatusResync.class);

    private final ValidationJournal journal;
    private final SessionSettings settings;
    private final Clock clock;
    private final ExecutorService runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_WAITING), Thread.ofPlatform().name("status-resync").daemon().factory());

    StatusResync(ValidationJournal journal, SessionSettings settings, Clock clock) {
        this.journal = journal;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Queues a resync tagged {@code requestId}.
     *
     * @return completes once its {@code status_end} is written; exceptionally when it could not run to its end
     */
    CompletableFuture<Void> start(String requestId, Optional<String> correlationId) {
        return CompletableFuture.runAsync(() -> run(requestId, correlationId), runner);
    }

    private void run(String requestId, Optional<String> correlationId) {
        log.info("Resync {}: reporting the status of every recorded number", requestId);
        long after = 0;
        long count = 0;
        List<NumberStatus> page = journal.recordedStatuses(after, PAGE_SIZE);
        while (!page.isEmpty()) {
            List<StepRecord> answers = page.stream().map(status -> answer(status, requestId, correlationId)).toList();
            journal.writeAnswers(answers);
            awaitConfirmed(answers, requestId);
            count += page.size();
            after = page.getLast().numberId();
            page = journal.recordedStatuses(after, PAGE_SIZE);
        }
        WorkerEvent end = new WorkerEvent.StatusEnd(new EventHeader(0, "", clock.instant(), correlationId),
                requestId, count);
        journal.writeAnswers(List.of(new StepRecord(0, new StepRecord.Change.Keep(), List.of(owed(end)))));
        log.info("Resync {}: {} number(s) reported", requestId, count);
    }

    private StepRecord answer(NumberStatus status, String requestId, Optional<String> correlationId) {
        WorkerEvent answer = new WorkerEvent.Status(new EventHeader(status.numberId(), status.sessionId(),
                clock.instant(), correlationId), status, settings.maxQrRetries(), Optional.empty(), Optional.empty(),
                Optional.of(requestId));
        return new StepRecord(status.numberId(), new StepRecord.Change.Keep(), List.of(owed(answer)));
    }

    private static StepRecord.Owed owed(WorkerEvent event) {
        return new StepRecord.Owed(UUID.randomUUID().toString(), event);
    }

    /** Waits until the broker confirmed the page (polling the outbox: a page is a hundred rows at most). */
    private void awaitConfirmed(List<StepRecord> answers, String requestId) {
        List<String> eventIds = answers.stream().flatMap(answer -> answer.events().stream())
                .map(StepRecord.Owed::eventId).toList();
        long deadline = System.nanoTime() + CONFIRM_PATIENCE.toNanos();
        while (!journal.delivered(eventIds)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("resync " + requestId + ": the broker confirmed no page of it for "
                        + CONFIRM_PATIENCE + "; the backend gets no status_end and may ask again");
            }
            try {
                Thread.sleep(CONFIRM_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("resync " + requestId + " interrupted", e);
            }
        }
    }
}
