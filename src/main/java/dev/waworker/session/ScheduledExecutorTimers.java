package dev.waworker.session;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Production {@link Timers}: one daemon thread that only hands due tasks over (the tasks themselves just queue work
 * on a number's lane), so one thread serves any number of sessions.
 */
public final class ScheduledExecutorTimers implements Timers, AutoCloseable {

    private final ScheduledThreadPoolExecutor executor;

    public ScheduledExecutorTimers() {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "session-timers");
            thread.setDaemon(true);
            return thread;
        });
        // Most QR timers are cancelled by a scan or a command: drop them at once instead of keeping them queued
        // until their due time.
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
