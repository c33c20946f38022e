package dev.waworker.amqp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.waworker.amqp.DeadQueueDrain.Result;
import dev.waworker.ownership.NumberOwnership;
import dev.waworker.ownership.SilentWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Several workers on one database: no command stays in a dead worker's own queue. Worker ids default to the host
 * name, so a replaced container comes back under a new id and its old queue would wait forever. Every round, this
 * worker keeps its own queue declared ({@link OwnWorkerQueue}), then, for each worker that has been silent for a
 * lease time and holds no live lease ({@link NumberOwnership#silentWorkers}), drains its queue into the normal
 * routing and deletes it ({@link DeadQueueDrain}), and removes its registry row once it owes no event any more.
 */
public final class DeadWorkerQueues implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeadWorkerQueues.class);

    private final NumberOwnership ownership;
    private final OwnWorkerQueue own;
    private final DeadQueueDrain drain;
    private final Counter rerouted;
    private final Counter removed;
    private final ScheduledExecutorService rounds;
    private final Duration every;
    private volatile ScheduledFuture<?> scheduled;
    private boolean failing;

    /**
     * @param rounds where the rounds run, one at a time
     * @param every  the pause between the end of a round and the start of the next
     */
    DeadWorkerQueues(NumberOwnership ownership, OwnWorkerQueue own, DeadQueueDrain drain, MeterRegistry meters,
            ScheduledExecutorService rounds, Duration every) {
        this.ownership = ownership;
        this.own = own;
        this.drain = drain;
        this.rounds = rounds;
        this.every = every;
        this.rerouted = Counter.builder("worker.dead.queue.commands")
                .description("commands taken from dead workers' queues and routed again").register(meters);
        this.removed = Counter.builder("worker.dead.queues.removed")
                .description("dead workers' queues drained and deleted").register(meters);
    }

    /** One round: this worker's queue kept, every dead worker's queue drained and removed. */
    void sweep() {
        own.keep();
        for (SilentWorker dead : ownership.silentWorkers()) {
            clearUp(dead);
        }
    }

    /** A round now, then one every pause, while the worker takes commands. */
    @Override
    public synchronized void start() {
        if (scheduled == null) {
            scheduled = rounds.scheduleWithFixedDelay(this::sweepLogged, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** No new round once the worker stops taking commands (a round under way ends by itself: its commands wait). */
    @Override
    public synchronized void stop() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    @Override
    public boolean isRunning() {
        return scheduled != null;
    }

    /** With the command intake: a drain hands its commands to the same listener. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    private void clearUp(SilentWorker dead) {
        Result result = drain.drain(dead.queue(), () -> ownership.stillSilent(dead));
        switch (result) {
            case Result.Removed(int commands) -> {
                rerouted.increment(commands);
                removed.increment();
                log.info("Removed the queue {} of worker {}, silent since {}: {} command(s) in it routed again",
                        Printable.escape(dead.queue()), Printable.escape(dead.workerId()), dead.heartbeatAt(),
                        commands);
                forget(dead);
            }
            case Result.Gone() -> forget(dead);
            case Result.Busy() -> log.debug("The queue {} of silent worker {} has a consumer: left alone",
                    Printable.escape(dead.queue()), Printable.escape(dead.workerId()));
            case Result.Unfinished(int commands, String why) -> {
                rerouted.increment(commands);
                log.info("Routed {} command(s) of the queue {} of silent worker {} again; the queue stays for the "
                        + "next round: {}", commands, Printable.escape(dead.queue()),
                        Printable.escape(dead.workerId()), why);
            }
        }
    }

    private void forget(SilentWorker dead) {
        if (ownership.forget(dead)) {
            log.debug("Removed silent worker {} from the registry", Printable.escape(dead.workerId()));
        }
    }

    /** A round that fails (broker or database away) is logged once per streak of failures, and tried again. */
    private void sweepLogged() {
        try {
            sweep();
            if (failing) {
                log.info("Clearing up dead workers' queues works again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Clearing up dead workers' queues failed; trying again every round: {}",
                        Failures.describe(e));
                failing = true;
            } else {
                log.debug("Clearing up dead workers' queues failed again: {}", Failures.describe(e));
            }
        }
    }
}
