package dev.waworker.amqp;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.context.SmartLifecycle;

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
 */
public class CommandIntake implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandIntake.class);

    private final DirectMessageListenerContainer container;
    private final CommandListener listener;
    private final SessionDrain sessions;
    private final OutboxRelay events;
    private final Duration shutdownTimeout;
    private volatile boolean running;
    private volatile boolean consuming;

    public CommandIntake(DirectMessageListenerContainer container, CommandListener listener, SessionDrain sessions,
            OutboxRelay events, Duration shutdownTimeout) {
        this.container = container;
        this.listener = listener;
        this.sessions = sessions;
        this.events = events;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void start() {
        listener.startAccepting();
        container.start();
        running = true;
        consuming = true;
        log.info("Consuming commands from {}", String.join(" and ", container.getQueueNames()));
    }

    @Override
    public void stop() {
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        consuming = false;
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

    /** Whether commands are being taken: started, not stopping, and the container's consumers running. */
    public boolean isConsuming() {
        return consuming && container.isRunning();
    }

    /** Starts last and stops first: no command arrives before the session layer is ready or after it left. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    @Override
    public void close() {
        container.destroy();
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }
}
