package dev.waworker.amqp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.waworker.session.DeliveryNotices;
import dev.waworker.store.OutboxMeters;
import dev.waworker.store.OutboxReader;
import dev.waworker.store.OwedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Delivers the outbox: one thread reads the owed events in the order they were written and hands them to the
 * {@link EventPublisher} (confirms, a few quick retries), each number's next event only once the previous one
 * is confirmed, numbers in parallel. A confirmed event is deleted from the outbox; one that is not stays there
 * and the relay tries again after a pause that doubles up to {@link #MAX_PAUSE}, for as long as the broker is
 * away. While it is away, only the oldest owed event is tried, so an outage costs one failed publish per pause
 * rather than one per owed event.
 *
 * <p>Delivered at least once: a crash between the confirm and the delete delivers that event again on the next
 * start, with the same {@code eventId}.
 *
 * <p>Fenced at send time: an event written under a lease its worker had lost by then (see
 * {@link OwedEvent#writtenUnderALostLease}: the number's lease, read with the batch, is another worker's) is stale
 * and is dropped unpublished, counted in {@code worker.outbox.fenced}, so that a worker that lost a number never
 * publishes for it afterwards. Events whose number nobody took over (a validation that ended, its lease released)
 * are still delivered, by their worker or by the survivor that adopted them.
 *
 * <p>Each confirmed event is reported to the {@link DeliveryNotices} (the session layer), once it is struck off: a
 * session learns that way that the backend has seen the QR it shows.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    private static final int BATCH = 1000;
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    private final OutboxReader outbox;
    private final EventPublisher publisher;
    private final DeliveryNotices notices;
    private final Clock clock;
    private final Timer addedLatency;
    private final Counter fenced;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(OutboxReader outbox, EventPublisher publisher, DeliveryNotices notices, Clock clock,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.notices = notices;
        this.clock = clock;
        this.addedLatency = Timer.builder("worker.outbox.latency")
                .description("From an event's write to the outbox to the broker's confirm")
                // Client-side percentiles rather than a histogram: Prometheus's text format has no room for both,
                // and p50/p99 are what the README reports.
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.fenced = OutboxMeters.fenced(meters);
        Gauge.builder("worker.outbox.owed", outbox, OutboxReader::owedCount)
                .description("Events written and not yet confirmed by the broker")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::relay);
    }

    @Override
    public synchronized void stop() {
        running = false;
        outbox.wake();
        if (thread != null) {
            try {
                thread.join(MAX_PAUSE.toMillis() * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the command consumers and stops after them: events owed by a stop are still delivered. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1000;
    }

    /**
     * Waits until nothing is owed (what the worker still owes stays in the outbox for its next start anyway).
     *
     * @return whether the outbox emptied within {@code timeout}
     */
    public boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outbox.owedCount() > 0) {
            if (System.nanoTime() >= deadline) {
                log.warn("{} events still owed after {}: they stay in the outbox for the next start",
                        outbox.owedCount(), timeout);
                return false;
            }
            outbox.wake(); // wake the relay rather than let it idle out its wait
            sleep(Duration.ofMillis(20));
        }
        return true;
    }

    private void relay() {
        Duration pause = FIRST_PAUSE;
        boolean brokerAway = false;
        while (running) {
            List<OwedEvent> batch;
            try {
                batch = outbox.owed(brokerAway ? 1 : BATCH);
            } catch (RuntimeException e) {
                log.error("Could not read the outbox: {}", e.toString());
                sleep(pause);
                continue;
            }
            if (batch.isEmpty()) {
                awaitWritten();
                continue;
            }
            batch = dropStale(batch);
            if (batch.isEmpty()) {
                continue;
            }
            List<OwedEvent> confirmed = deliver(batch);
            try {
                outbox.delivered(confirmed.stream().map(OwedEvent::eventId).toList());
            } catch (RuntimeException e) {
                // They will be sent again (same eventId): the backend drops the duplicates.
                log.error("Could not delete {} delivered events from the outbox: {}", confirmed.size(), e.toString());
            }
            confirmed.forEach(event -> notices.delivered(event.numberId(), event.eventId()));
            if (confirmed.size() == batch.size()) {
                if (brokerAway) {
                    log.info("Events are confirmed again: delivering the {} owed", outbox.owedCount());
                }
                brokerAway = false;
                pause = FIRST_PAUSE;
            } else {
                if (!brokerAway) {
                    log.warn("The broker does not confirm events: keeping them in the outbox and trying again, "
                            + "every {} at the most", MAX_PAUSE);
                }
                brokerAway = true;
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /** Strikes off the stale events of the batch (see the class comment); returns the others. */
    private List<OwedEvent> dropStale(List<OwedEvent> batch) {
        List<OwedEvent> stale = batch.stream().filter(OwedEvent::writtenUnderALostLease).toList();
        if (stale.isEmpty()) {
            return batch;
        }
        try {
            outbox.fencedOff(stale.stream().map(OwedEvent::eventId).toList());
        } catch (RuntimeException e) {
            log.error("Could not drop {} stale events from the outbox: {}", stale.size(), e.toString());
            sleep(FIRST_PAUSE);
            return List.of();
        }
        fenced.increment(stale.size());
        OwedEvent first = stale.getFirst();
        log.warn("Dropped {} event(s) unpublished, written under a lease another worker holds now, e.g. {} of number "
                + "{}, written under the lease of {}, now held by {}", stale.size(), first.action(), first.numberId(),
                Printable.escape(first.leaseHolder().orElseThrow()), Printable.escape(first.numberOwner().orElseThrow()));
        return batch.stream().filter(event -> !event.writtenUnderALostLease()).toList();
    }

    /** Publishes the batch, in order per number; returns the events the broker confirmed. */
    private List<OwedEvent> deliver(List<OwedEvent> batch) {
        Map<Long, List<OwedEvent>> byNumber = new LinkedHashMap<>();
        for (OwedEvent event : batch) {
            byNumber.computeIfAbsent(event.numberId(), number -> new ArrayList<>()).add(event);
        }
        ConcurrentLinkedQueue<OwedEvent> confirmed = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Boolean>> chains = new ArrayList<>();
        for (List<OwedEvent> events : byNumber.values()) {
            CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
            for (OwedEvent event : events) {
                chain = chain.thenCompose(previousConfirmed -> previousConfirmed
                        ? send(event, confirmed) : CompletableFuture.completedFuture(false));
            }
            chains.add(chain);
        }
        CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).join();
        return new ArrayList<>(confirmed);
    }

    private CompletableFuture<Boolean> send(OwedEvent event, ConcurrentLinkedQueue<OwedEvent> confirmed) {
        return publisher.publish(EventMessages.toMessage(event), event.numberId()).toCompletableFuture()
                .handle((ignored, failure) -> {
                    if (failure != null) {
                        return false;
                    }
                    confirmed.add(event);
                    addedLatency.record(Duration.between(event.storedAt(), clock.instant()));
                    return true;
                });
    }

    private void awaitWritten() {
        try {
            outbox.awaitWritten(IDLE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
