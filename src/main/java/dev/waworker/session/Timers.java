package dev.waworker.session;

import java.time.Duration;

/**
 * Schedules the session layer's timers (QR expiry, connection back-off). Injected so that unit tests can run the
 * seed's 84-second timeline in a few milliseconds on a manual clock.
 */
public interface Timers {

    /** Runs {@code task} once after {@code delay}, unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable task);

    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
