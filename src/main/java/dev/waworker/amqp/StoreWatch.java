package dev.waworker.amqp;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.store.StoreProbe;

/**
 * Asks the {@link StoreProbe} every {@link #EVERY} whether commands can be made durable, and tells the intake
 * the answer: a problem holds the intake back, none lets it go on. A probe that does not answer within
 * {@link #PATIENCE} (a database that hangs rather than refuses) counts as a problem; it runs on a thread of its
 * own, so the watch never hangs with it, and no second probe starts while it still waits.
 */
final class StoreWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreWatch.class);
    /** Often enough that readiness follows an outage (and its end) within a few seconds. */
    static final Duration EVERY = Duration.ofSeconds(1);
    static final Duration PATIENCE = Duration.ofSeconds(2);

    private final StoreProbe probe;
    private final Consumer<Optional<String>> verdicts;
    /** Both made anew at each start: a stopped intake may be started again. */
    private volatile ScheduledExecutorService watch;
    private ExecutorService probing;
    private CompletableFuture<Optional<String>> pending = CompletableFuture.completedFuture(Optional.empty());

    /** @param verdicts told, on the watch's thread, why the store cannot be used now, or that it can */
    StoreWatch(StoreProbe probe, Consumer<Optional<String>> verdicts) {
        this.probe = probe;
        this.verdicts = verdicts;
    }

    synchronized void start() {
        close();
        probing = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("store-probe").daemon().factory());
        pending = CompletableFuture.completedFuture(Optional.empty());
        watch = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("store-watch").daemon().factory());
        watch.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Probes at once (a command just failed on the store), not at the next tick. */
    void checkNow() {
        execute(this::check);
    }

    /** Runs {@code work} on the watch's thread, in turn with the verdicts; not once the watch is closed. */
    void execute(Runnable work) {
        ScheduledExecutorService current = watch;
        if (current == null) {
            return;
        }
        try {
            current.execute(work);
        } catch (RejectedExecutionException closed) {
            log.debug("The store watch is closed: {} not run", work);
        }
    }

    private void check() {
        try {
            verdicts.accept(probe());
        } catch (RuntimeException e) {
            log.error("Probing the store failed", e);
        }
    }

    private Optional<String> probe() {
        if (pending.isDone()) {
            pending = CompletableFuture.supplyAsync(probe::problem, probing);
        }
        try {
            return pending.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of("the database did not answer within " + PATIENCE);
        } catch (ExecutionException e) {
            return Optional.of("probing the store failed: " + Failures.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the watch was interrupted");
        }
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.shutdownNow();
            probing.shutdownNow();
        }
    }
}
