package dev.waworker.session;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One serial lane per key: steps submitted for a key run one after the other, in submission order, each starting
 * only once the previous step's stage has completed; steps of different keys run in parallel on the executor.
 *
 * <p>A lane is only a reference to its last step, kept in a concurrent map and dropped as soon as that step
 * completes, so an idle number costs nothing and there is no global lock on the hot path (the map's atomic swap
 * orders concurrent submitters of one key).
 */
public final class SerialLanes {

    private static final CompletableFuture<Void> IDLE = CompletableFuture.completedFuture(null);

    private final Executor executor;
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> lastSteps = new ConcurrentHashMap<>();

    public SerialLanes(Executor executor) {
        this.executor = executor;
    }

    /** Runs a synchronous step on the key's lane. */
    public CompletableFuture<Void> run(long key, Runnable step) {
        return submit(key, () -> {
            step.run();
            return IDLE;
        });
    }

    /**
     * Queues an asynchronous step: {@code step} is called on the lane and the lane stays busy until the stage it
     * returns completes.
     *
     * @return completes like the step's stage (exceptionally when the step threw or the executor refused it)
     */
    public <T> CompletableFuture<T> submit(long key, Supplier<? extends CompletionStage<T>> step) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = lastSteps.put(key, done);
        done.whenComplete((ignored, error) -> lastSteps.remove(key, done));
        (previous == null ? IDLE : previous)
                .whenCompleteAsync((ignored, error) -> start(step, result, done), executor)
                .exceptionally(refused -> {
                    // The executor is shut down: fail this step, and free the lane for the ones queued behind it.
                    result.completeExceptionally(refused);
                    done.complete(null);
                    return null;
                });
        return result;
    }

    private static <T> void start(Supplier<? extends CompletionStage<T>> step, CompletableFuture<T> result,
                                  CompletableFuture<Void> done) {
        CompletionStage<T> stage;
        try {
            stage = step.get();
        } catch (RuntimeException | Error failure) {
            result.completeExceptionally(failure);
            done.complete(null);
            return;
        }
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
            done.complete(null);
        });
    }

    /**
     * Waits until every step queued so far has completed.
     *
     * @return whether the lanes went idle within the timeout
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        CompletableFuture<?>[] pending = lastSteps.values().toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(pending).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // SessionManager's steps catch their own failures; a failure still means the step is over
        }
    }

    /** Whether the key has no step queued or running. */
    public boolean idle(long key) {
        return !lastSteps.containsKey(key);
    }

    /** How many keys have a step queued or running. */
    public int busyLanes() {
        return lastSteps.size();
    }
}
