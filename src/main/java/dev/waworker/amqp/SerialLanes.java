package dev.waworker.amqp;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after the other per key: a task starts only once the previous task of its key has
 * finished, successfully or not. Used to put messages of one number (or for one queue) on the wire in order even
 * though each waits for a broker confirm and may be retried: messages sent on different channels, or resent
 * after a failure, would otherwise overtake each other.
 *
 * @param <K> what orders the tasks
 */
final class SerialLanes<K> {

    private final Executor executor;
    private final Map<K, CompletableFuture<?>> lastTaskByKey = new HashMap<>();

    SerialLanes(Executor executor) {
        this.executor = executor;
    }

    /** Runs {@code task} on the executor after the tasks submitted before for {@code key}. */
    <T> CompletableFuture<T> submit(K key, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result;
        synchronized (lastTaskByKey) {
            CompletableFuture<?> previous = lastTaskByKey.getOrDefault(key, CompletableFuture.completedFuture(null));
            result = previous.handle((value, failure) -> null).thenComposeAsync(ignored -> task.get(), executor);
            lastTaskByKey.put(key, result);
        }
        // Forget a key whose lane ran dry, so that the map does not grow with every number ever seen.
        result.whenComplete((value, failure) -> {
            synchronized (lastTaskByKey) {
                lastTaskByKey.remove(key, result);
            }
        });
        return result;
    }

    /** How many keys have a task queued or running. */
    int busyKeys() {
        synchronized (lastTaskByKey) {
            return lastTaskByKey.size();
        }
    }
}
