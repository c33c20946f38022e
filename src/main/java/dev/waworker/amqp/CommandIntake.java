package dev.waworker.amqp;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.context.SmartLifecycle;

import dev.waworker.store.StoreProbe;

/**
 * Starts consuming commands once everything else has started, and stops the worker in an order that loses
 * nothing:
 *
 * <ol>
 *   <li>the listener stops taking commands: deliveries still arriving stay unacknowledged;</li>
 *   <li>the commands already taken are carried out and acknowledged;</li>
 *   <li>the consumers are cancelled and their channels closed: the broker puts the deliveries held back in (1)
 *       back on their queues, for another worker or the next start. (Closing the channels first, as a plain
 *       container stop does, would drop the acknowledgements of (2) and have those commands carried out twice.)</li>
 *   <li>the session layer finishes its lanes and releases its clients;</li>
 *   <li>the events still owed are delivered (what is left when time runs out stays in the outbox, for the next
 *       start).</li>
 * </ol>
 *
 * All within one time budget ({@code spring.lifecycle.timeout-per-shutdown-phase}).
 *
 * <p>While the store cannot make commands durable (the database away, its disk full or read-only: a
 * {@link StoreWatch} asks every second, and a command that failed on it says so at once), the intake is held
 * back: the listener takes no command (those delivered meanwhile stay unacknowledged), readiness is DOWN. Once the
 * store is back, the commands in hand are settled, the consumers restart (the broker redelivers what was held back,
 * in order) and readiness is UP again. Nothing is dead-lettered for an outage, and the worker never exits for one.
 */
public class CommandIntake implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandIntake.class);

    private final DirectMessageListenerContainer container;
    private final CommandListener listener;
    private final SessionDrain sessions;
    private final OutboxRelay events;
    private final Duration shutdownTimeout;
    private final StoreWatch store;
    private final Object holding = new Object();
    private volatile boolean running;
    private volatile boolean consuming;
    /** Why commands are held back now; null while they are taken. */
    private volatile String heldBecause;

    public CommandIntake(DirectMessageListenerContainer container, CommandListener listener, SessionDrain sessions,
            OutboxRelay events, Duration shutdownTimeout, StoreProbe probe) {
        this.container = container;
        this.listener = listener;
        this.sessions = sessions;
        this.events = events;
        this.shutdownTimeout = shutdownTimeout;
        this.store = new StoreWatch(probe, problem -> problem.ifPresentOrElse(this::holdBack, this::takeBack));
        listener.whenInfrastructureFails(this::holdBack);
    }

    @Override
    public void start() {
        heldBecause = null;
        listener.startAccepting();
        container.start();
        running = true;
        consuming = true;
        store.start();
        log.info("Consuming commands from {}", String.join(" and ", container.getQueueNames()));
    }

    @Override
    public void stop() {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        consuming = false;
        store.close();
        log.info("Stopping: finishing the commands in hand (at most {})", shutdownTimeout);
        listener.stopAccepting();
        boolean clean = listener.awaitSettled(remaining(deadline));
        container.stop();
        try {
            clean &= sessions.drain(remaining(deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = false;
        }
        clean &= events.awaitDrained(remaining(deadline));
        running = false;
        if (clean) {
            log.info("Stopped: every command settled and every event confirmed");
        } else {
            log.warn("Stopped after {} with work unfinished; unacknowledged commands return to their queue",
                    shutdownTimeout);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Whether commands are being taken: started, not stopping, not held back, and the container's consumers
     * running.
     */
    public boolean isConsuming() {
        return consuming && heldBecause == null && container.isRunning();
    }

    /** Why commands are held back now, if they are. */
    public Optional<String> heldBecause() {
        return Optional.ofNullable(heldBecause);
    }

    /**
     * Takes no more commands, at once: they wait in their queue (those already delivered stay unacknowledged)
     * until {@link #takeBack()}. Called by the watch and by the listener when a command failed on the store.
     */
    void holdBack(String reason) {
        synchronized (holding) {
            if (!consuming || heldBecause != null) {
                return;
            }
            heldBecause = reason;
            listener.stopAccepting();
        }
        log.warn("Not taking commands until the worker can make them durable again: {}", Printable.escape(reason));
    }

    /**
     * Takes commands again after {@link #holdBack}: once the commands in hand are settled (the store is back, so
     * they are), the consumers restart, which hands the deliveries held back to the broker again, in their order.
     * Restarting only then keeps every acknowledgement (closing a channel first would lose them).
     */
    private void takeBack() {
        if (heldBecause == null) {
            return;
        }
        listener.awaitSettled(shutdownTimeout);
        synchronized (holding) {
            if (!consuming || heldBecause == null) {
                return;
            }
            container.stop();
            listener.startAccepting();
            container.start();
            heldBecause = null;
        }
        log.info("Taking commands again: the store makes them durable");
    }

    /** Starts last and stops first: no command arrives before the session layer is ready or after it left. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    @Override
    public void close() {
        store.close();
        container.destroy();
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
