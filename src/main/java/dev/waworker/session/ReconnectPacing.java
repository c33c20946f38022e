package dev.waworker.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.random.RandomGenerator;

/**
 * How fast linked numbers reconnect when many come back at once (a restart, a take-over of a dead worker's
 * numbers): at most {@code ratePerSecond} connections start in any one-second window, each at a random moment, never
 * in a burst. Thousands of accounts logging in within the same second is both a load spike for the worker and the
 * kind of pattern that gets accounts flagged.
 *
 * <p>Two decisions, each on the time it is asked (no thread here: the caller schedules):
 * <ul>
 *   <li>{@link #reserve} spreads the reconnects out when they are queued: evenly spaced slots, each moved later by a
 *   random jitter of at most {@code jitter}. The slots are {@code (1 s + jitter) / rate} apart, so that even two
 *   slots {@code rate} apart, the first jittered to its latest, are a full second apart.</li>
 *   <li>{@link #admit} is the guarantee, asked at the moment a connection would start: it starts only if fewer than
 *   {@code rate} started in the last second; otherwise the answer is how long until one may. A slot reached late
 *   (the lanes were busy) therefore waits rather than bunching up with the next ones.</li>
 * </ul>
 * Thread-safe: lanes of different numbers ask at the same time.
 */
public final class ReconnectPacing {

    private static final Duration WINDOW = Duration.ofSeconds(1);

    private final int ratePerSecond;
    private final Duration jitter;
    private final Duration spacing;
    private final Clock clock;
    private final RandomGenerator random;
    /** The start times of the connections admitted within the last second, oldest first. */
    private final ArrayDeque<Instant> lastStarts = new ArrayDeque<>();
    private Instant nextSlot = Instant.MIN;

    /**
     * @param ratePerSecond the most connections started in any one-second window, 1 or more
     * @param jitter        the most a reconnect's slot is moved later at random, from zero to under one second
     * @param clock         the time of each decision (read under the lock, so the starts are recorded in order)
     * @param random        draws the jitter (a seeded one in tests)
     */
    public ReconnectPacing(int ratePerSecond, Duration jitter, Clock clock, RandomGenerator random) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("the reconnect rate must be 1 or more per second, was " + ratePerSecond);
        }
        if (jitter.isNegative() || jitter.compareTo(WINDOW) >= 0) {
            throw new IllegalArgumentException("the reconnect jitter must be from 0 to under 1 s, was " + jitter);
        }
        this.ratePerSecond = ratePerSecond;
        this.jitter = jitter;
        this.spacing = WINDOW.plus(jitter).dividedBy(ratePerSecond);
        this.clock = clock;
        this.random = random;
    }

    /** No pacing at all: every reconnect starts at once (for tests of other concerns). */
    public static ReconnectPacing unpaced() {
        return new ReconnectPacing(Integer.MAX_VALUE, Duration.ZERO, Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /** Takes the next free slot for a reconnect queued now: how long it should wait for it. */
    public synchronized Duration reserve() {
        Instant now = clock.instant();
        Instant slot = nextSlot.isAfter(now) ? nextSlot : now;
        nextSlot = slot.plus(spacing);
        long jitterNanos = jitter.isZero() ? 0 : random.nextLong(jitter.toNanos() + 1);
        return Duration.between(now, slot).plusNanos(jitterNanos);
    }

    /** What {@link #admit} decided. */
    public sealed interface Admission {

        /** The connection may start: it is counted as started {@code at}. */
        record Admitted(Instant at) implements Admission {
        }

        /** Already {@code rate} started in the last second: ask again after {@code retryAfter}. */
        record NotYet(Duration retryAfter) implements Admission {
        }
    }

    /** Whether a connection may start now (then it is counted as started now), or how long until one may. */
    public synchronized Admission admit() {
        Instant now = clock.instant();
        while (!lastStarts.isEmpty() && !lastStarts.peekFirst().plus(WINDOW).isAfter(now)) {
            lastStarts.removeFirst();
        }
        if (lastStarts.size() >= ratePerSecond) {
            return new Admission.NotYet(Duration.between(now, lastStarts.peekFirst().plus(WINDOW)));
        }
        lastStarts.addLast(now);
        return new Admission.Admitted(now);
    }
}
