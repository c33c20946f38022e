package dev.waworker.amqp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@link EventPublisher} (confirms, a few quick retries) as soon as they are written, without waiting for the
 * confirms of those sent before: confirms are pipelined. Only a number's own events wait for each other: its next
 * event goes once the previous one is confirmed ({@link PerNumberSends}), which keeps each number's order; other
 * numbers do not wait. The relay wakes when the journal writes events and when a confirm comes back (both raise the
 * outbox's signal, see {@link OutboxReader#awaitWritten}), so an event waits for neither a poll nor a batch. Confirmed
 * events are deleted from the outbox in one statement, once nothing new waits to go out (or {@link #STRIKE_OFF_AT}
 * of them wait): the outbox's connection is shared with the lanes' writes, and a send should not wait for a delete.
 * At most {@link #WINDOW} events are taken at once.
 *
 * <p>An event the broker does not confirm stays in the outbox, and so do the events of its number behind it. The
 * relay then lets go every event not sent yet, waits for those on their way to settle, and tries only the oldest owed
 * event, after a pause that doubles up to {@link #MAX_PAUSE}, for as long as the broker is away: an outage costs one
 * failed publish per pause rather than one per owed event. The first confirm ends that.
 *
 * <p>Delivered at least once: a crash between the confirm and the delete delivers that event again on the next
 * start, with the same {@code eventId}.
 *
 * <p>Fenced at send time: an event written under a lease its worker had lost by then (see
 * {@link OwedEvent#writtenUnderALostLease}: the number's lease, read with the event, is another worker's) is stale
 * and is dropped unpublished, counted in {@code worker.outbox.fenced}, so that a worker that lost a number never
 * publishes for it afterwards. Events whose number nobody took over (a validation that ended, its lease released)
 * are still delivered, by their worker or by the survivor that adopted them.
 *
 * <p>A confirmed event that a session may wait for ({@link DeliveryNotices#awaits}: the QR or code it shows) is
 * reported to the {@link DeliveryNotices} (the session layer) as soon as the relay learns of the confirm: a session
 * learns that way that the backend has seen the QR it shows. Other events are not reported: nobody waits for them.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    /** The most events taken at once (on their way or waiting for their number's previous one). */
    static final int WINDOW = 1000;
    /** Confirmed events are deleted once nothing new is to be sent, or once this many wait for it. */
    static final int STRIKE_OFF_AT = 200;
    /** A look at the outbox even without a signal: a safety net, every signal is kept until it is waited for. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);

    /** An event the broker confirmed, or did not (refused, returned, no confirm in time, unreachable). */
    private record Settled(OwedEvent event, boolean confirmed) {
    }

    private final OutboxReader outbox;
    private final EventPublisher publisher;
    private final DeliveryNotices notices;
    private final Clock clock;
    private final Timer addedLatency;
    private final Counter fenced;
    /** Filled by the confirms' threads, emptied by the relay's. */
    private final ConcurrentLinkedQueue<Settled> settled = new ConcurrentLinkedQueue<>();
    // The relay thread's own state.
    private final PerNumberSends sends = new PerNumberSends();
    /** Confirmed, to be deleted from the outbox. */
    private final List<String> toStrikeOff = new ArrayList<>();
    private boolean brokerAway;
    private boolean pauseDue;
    private Duration pause = FIRST_PAUSE;
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

    /** Stops taking events; those on their way are still settled (and struck off when confirmed), within a bound. */
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
        while (true) {
            if (!running) {
                sends.letWaitingGo(); // stopping: nothing new goes out, those on their way are settled
            }
            settle();
            boolean tookAny = running && takeAndSend();
            // The deletes wait for what is new to go out first: the outbox's connection is shared with the lanes.
            if (!tookAny || toStrikeOff.size() >= STRIKE_OFF_AT) {
                strikeOff();
            }
            if (!running && sends.onTheirWay() == 0) {
                return;
            }
            if (!awaitSignal()) {
                return; // interrupted: what is on its way stays owed, and is sent again on the next start
            }
        }
    }

    /**
     * Takes in what the broker answered: the confirmed events' successors go out, the confirmed events are reported
     * and kept for the next strike-off; a failure lets the waiting events go and marks the broker away.
     */
    private void settle() {
        boolean anyConfirmed = false;
        int failures = 0;
        for (Settled done = settled.poll(); done != null; done = settled.poll()) {
            OwedEvent event = done.event();
            if (done.confirmed()) {
                anyConfirmed = true;
                toStrikeOff.add(event.eventId());
                sends.confirmed(event).ifPresent(this::send);
                if (notices.awaits(event.action())) {
                    notices.delivered(event.numberId(), event.eventId());
                }
            } else {
                sends.failed(event);
                failures++;
            }
        }
        if (failures > 0) {
            pauseDue = true;
            if (!brokerAway) {
                brokerAway = true;
                sends.letWaitingGo();
                log.warn("The broker does not confirm events: keeping them in the outbox and trying the oldest again, "
                        + "every {} at the most", MAX_PAUSE);
            }
        } else if (brokerAway && anyConfirmed) {
            brokerAway = false;
            pauseDue = false;
            pause = FIRST_PAUSE;
            log.info("Events are confirmed again: delivering the {} owed", outbox.owedCount());
        }
    }

    /** Deletes the confirmed events from the outbox, in one statement. */
    private void strikeOff() {
        if (toStrikeOff.isEmpty()) {
            return;
        }
        List<String> eventIds = List.copyOf(toStrikeOff);
        toStrikeOff.clear();
        try {
            outbox.delivered(eventIds);
        } catch (RuntimeException e) {
            // They will be sent again (same eventId): the backend drops the duplicates.
            log.error("Could not delete {} delivered events from the outbox: {}", eventIds.size(), e.toString());
        }
        sends.struckOff(eventIds);
    }

    /**
     * Reads what is owed and not taken yet, and sends what may go now. While the broker is away: only the oldest
     * owed event, once those on their way have settled, after the pause.
     *
     * @return whether it took new events
     */
    private boolean takeAndSend() {
        if (brokerAway) {
            if (sends.onTheirWay() > 0) {
                return false;
            }
            if (pauseDue) {
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                pauseDue = false;
            }
            strikeOff(); // the oldest owed must not be one confirmed already
        } else if (sends.size() >= WINDOW) {
            return false;
        }
        List<OwedEvent> fresh;
        try {
            // The oldest WINDOW owed events hold every event taken (they are older than the rest), and the new ones.
            fresh = dropStale(brokerAway ? outbox.owed(1) : outbox.owedExcept(WINDOW, sends.taken()));
        } catch (RuntimeException e) {
            log.error("Could not read the outbox: {}", e.toString());
            sleep(FIRST_PAUSE);
            return false;
        }
        for (OwedEvent event : fresh) {
            sends.take(event).ifPresent(this::send);
        }
        return !fresh.isEmpty();
    }

    /** Strikes off the stale events (see the class comment); returns the others. */
    private List<OwedEvent> dropStale(List<OwedEvent> events) {
        List<OwedEvent> stale = events.stream().filter(OwedEvent::writtenUnderALostLease).toList();
        if (stale.isEmpty()) {
            return events;
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
        return events.stream().filter(event -> !event.writtenUnderALostLease()).toList();
    }

    /** Hands the event to the publisher; its confirm (or failure) comes back through {@link #settled}. */
    private void send(OwedEvent event) {
        publisher.publish(EventMessages.toMessage(event), event.numberId()).whenComplete((ignored, failure) -> {
            if (failure == null) {
                addedLatency.record(Duration.between(event.storedAt(), clock.instant()));
            }
            settled.add(new Settled(event, failure == null));
            outbox.wake();
        });
    }

    /** Waits for a write, a confirm or a wake-up; returns false when the thread was interrupted. */
    private boolean awaitSignal() {
        if (!settled.isEmpty()) {
            return true;
        }
        try {
            outbox.awaitWritten(IDLE_WAIT);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
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
