package dev.waworker.store;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Wakes the outbox's reader when there is something to read: the journal raises it after each write of events,
 * the relay when it must look again at once (stopping, draining). Raises while nobody waits are kept, so a write
 * between two reads is never missed.
 */
public final class OutboxSignal {

    private final Semaphore raised = new Semaphore(0);

    public void raise() {
        raised.release();
    }

    /**
     * Waits at most {@code timeout} for a raise (and swallows those that piled up meanwhile).
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void await(Duration timeout) throws InterruptedException {
        if (raised.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            raised.drainPermits();
        }
    }
}
