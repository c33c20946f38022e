package dev.waworker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

import dev.waworker.testing.ManualClock;

/**
 * Timers on a {@link ManualClock}: nothing fires until {@link #advance} moves time past a timer's due instant,
 * then due timers fire in order, each with the clock set to its own due instant.
 */
final class ManualTimers implements Timers {

    private record Pending(Instant due, long sequence, Runnable task, boolean[] cancelled) {
    }

    private final ManualClock clock;
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(
            Comparator.comparing(Pending::due).thenComparingLong(Pending::sequence));
    private long sequence;
    private Duration lateness = Duration.ZERO;

    ManualTimers(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        pending.add(new Pending(clock.instant().plus(delay), sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /**
     * From now on each timer fires {@code late} after its due instant (the clock set there), as a busy timer thread
     * or lane would hand it over.
     */
    void fireLate(Duration late) {
        lateness = late;
    }

    /** Moves time forward by {@code duration}, firing every timer that falls due on the way. */
    void advance(Duration duration) {
        Instant target = clock.instant().plus(duration);
        while (true) {
            Pending next;
            synchronized (this) {
                next = pending.peek();
                if (next == null || next.due().isAfter(target)) {
                    break;
                }
                pending.poll();
            }
            if (!next.cancelled()[0]) {
                clock.set(next.due().plus(lateness));
                next.task().run();
            }
        }
        if (clock.instant().isBefore(target)) {
            clock.set(target);
        }
    }

    /** Timers scheduled and neither fired nor cancelled. */
    synchronized long activeCount() {
        return pending.stream().filter(p -> !p.cancelled()[0]).count();
    }
}
