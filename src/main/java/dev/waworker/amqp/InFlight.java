package dev.waworker.amqp;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Work that has started and not finished yet, so that a shutdown can wait for it. */
final class InFlight {

    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    /** Remembers {@code work} until it completes, however it completes. */
    void track(CompletableFuture<?> work) {
        pending.add(work);
        work.whenComplete((value, failure) -> pending.remove(work));
    }

    int size() {
        return pending.size();
    }

    /**
     * Waits for the work tracked so far to complete, successfully or not.
     *
     * @return whether it all completed within {@code timeout}
     */
    boolean awaitAll(Duration timeout) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return true; // all of it completed, some of it with a failure its owner has dealt with
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
