package dev.waworker.session;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Production {@link Timers}: one daemon thread, {@code session-timers}, for any number of sessions. Its tasks only
 * queue a step on the number's lane and return, so a wave of expiries costs it microseconds each: the JFR profile
 * of 5,000 live validations expiring together (docs/benchmarks.md, "Timer lag") shows it on 1 % of the CPU
 * samples, and the lag of an expiry is the wait of its step on the lanes, not the wait of the timer.
 */
public final class ScheduledExecutorTimers implements Timers, AutoCloseable {

    static final String THREAD_NAME = "session-timers";

    private final ScheduledThreadPoolExecutor executor =
            new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name(THREAD_NAME).daemon().factory());

    public ScheduledExecutorTimers() {
        // Most QR timers are cancelled by a scan or a command: drop them at once instead of keeping them queued
        // until their due time, so the queue holds only the timers that can still fire (one or two per session).
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Timers scheduled that neither fired nor were cancelled. */
    int pending() {
        return executor.getQueue().size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
