package dev.waworker.amqp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;

import dev.waworker.session.EventSink;
import dev.waworker.session.WorkerEvent;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sends events to the backend's events queue, each confirmed by the broker: the {@link OutboxRelay}'s sender.
 *
 * <ul>
 *   <li>Never blocks the caller: messages go out on a thread of their own (a broker under an alarm blocks the
 *       publishing thread, and that must not be a session lane).</li>
 *   <li>Keeps no order of its own between events: the relay hands a number's next event over only once the
 *       previous one has settled, which is what keeps {@code qr_regenerating} before the
 *       {@code qr_generated} that follows it, retries included.</li>
 *   <li>Sends a failed, refused or unconfirmed event again, up to {@code publishAttempts} times in all, with a
 *       short growing pause; a resent event keeps its {@code eventId} so the backend can drop a duplicate. An
 *       event still not confirmed then stays in the outbox, and the relay tries it again later.</li>
 *   <li>Counts {@code worker.events.published} and {@code worker.events.failed} per {@code action}.</li>
 * </ul>
 */
public class EventPublisher implements EventSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(200);

    private final QueueSender sender;
    private final EventMessages messages;
    private final String eventsQueue;
    private final int publishAttempts;
    private final MeterRegistry meters;
    private final ExecutorService publishing =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("event-publisher").daemon().factory());
    private final InFlight inFlight = new InFlight();

    public EventPublisher(QueueSender sender, String workerId, String eventsQueue, int publishAttempts,
            MeterRegistry meters) {
        if (publishAttempts < 1) {
            throw new IllegalArgumentException("worker.amqp.publish-attempts must be 1 or more, was " + publishAttempts);
        }
        this.sender = sender;
        this.messages = new EventMessages(workerId);
        this.eventsQueue = eventsQueue;
        this.publishAttempts = publishAttempts;
        this.meters = meters;
    }

    @Override
    public CompletionStage<Void> publish(WorkerEvent event) {
        return publish(messages.toMessage(event), event.header().numberId());
    }

    /**
     * Sends a message built already (an event the outbox kept), with the same retries and meters.
     *
     * @param numberId the number the event is about, for the log
     */
    CompletionStage<Void> publish(Message message, long numberId) {
        String eventId = message.getMessageProperties().getMessageId();
        String action = message.getMessageProperties().getType();
        CompletableFuture<Void> delivery = CompletableFuture.supplyAsync(() -> attempt(message, 1), publishing)
                .thenCompose(firstAttempt -> firstAttempt)
                .whenComplete((ignored, failure) -> record(action, numberId, eventId, failure));
        inFlight.track(delivery);
        return delivery.minimalCompletionStage();
    }

    /**
     * Waits until every event handed over so far is confirmed or given up.
     *
     * @return whether they all settled within {@code timeout}
     */
    public boolean awaitOutstandingConfirms(Duration timeout) {
        boolean settled = inFlight.awaitAll(timeout);
        if (!settled) {
            log.warn("{} events still unconfirmed after {}", inFlight.size(), timeout);
        }
        return settled;
    }

    /** Stops the publishing thread; events handed over afterwards fail. */
    @Override
    public void close() {
        publishing.shutdown();
    }

    private CompletableFuture<Void> attempt(Message message, int attempt) {
        return sender.send(eventsQueue, message).exceptionallyCompose(failure -> {
            if (attempt >= publishAttempts) {
                return CompletableFuture.failedFuture(failure);
            }
            Duration pause = FIRST_RETRY_PAUSE.multipliedBy(1L << (attempt - 1));
            log.warn("Event {} not delivered (attempt {}/{}): {}; trying again in {} ms",
                    message.getMessageProperties().getMessageId(), attempt, publishAttempts, Failures.describe(failure),
                    pause.toMillis());
            return CompletableFuture.supplyAsync(() -> attempt(message, attempt + 1),
                            CompletableFuture.delayedExecutor(pause.toMillis(), TimeUnit.MILLISECONDS, publishing))
                    .thenCompose(next -> next);
        });
    }

    private void record(String action, long numberId, String eventId, Throwable failure) {
        if (failure == null) {
            meters.counter("worker.events.published", "action", action).increment();
            log.debug("Published {} event {} for number {}", action, eventId, numberId);
        } else {
            meters.counter("worker.events.failed", "action", action).increment();
            log.warn("{} event {} for number {} not confirmed after {} attempts: {}", action, eventId, numberId,
                    publishAttempts, Failures.describe(failure));
        }
    }
}
