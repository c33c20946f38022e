package dev.waworker.amqp;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

import com.rabbitmq.client.Channel;

import dev.waworker.amqp.CommandMetrics.Outcome;
import dev.waworker.amqp.ParseResult.Ignored;
import dev.waworker.amqp.ParseResult.Invalid;
import dev.waworker.amqp.ParseResult.Resync;
import dev.waworker.amqp.ParseResult.Valid;
import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.Owner;
import dev.waworker.ownership.Route;
import dev.waworker.session.ErrorCode;
import dev.waworker.session.EventHeader;
import dev.waworker.session.EventSink;
import dev.waworker.session.SessionCommand;
import dev.waworker.session.SessionCommandHandler;
import dev.waworker.session.SerialLanes;
import dev.waworker.session.SessionIds;
import dev.waworker.session.WorkerEvent;
import io.micrometer.core.instrument.Timer;

/**
 * Takes command messages off the shared command queue and this worker's own queue (one consumer each, manual
 * acknowledgements) and settles each one exactly once:
 *
 * <ul>
 *   <li>a valid command is routed on its number's routing lane (see below); one the {@link CommandRouter} keeps
 *       here goes to the {@link SessionCommandHandler}, which queues it on its number's session lane; the message
 *       is acknowledged when the handler is done with it. Neither the consumer nor the routing lane waits for the
 *       session layer, so a number's commands keep the order they had on the queue;</li>
 *   <li>a valid command the router sends to another worker (the number's owner, or the worker the backend named)
 *       is forwarded unchanged to that worker's queue, or answered with an {@code UNKNOWN_WORKER} error event
 *       when that worker does not exist;</li>
 *   <li>{@code worker_status} is acknowledged and dropped;</li>
 *   <li>a message larger than {@code worker.amqp.max-command-size} is not read at all: its first bytes are copied
 *       to the dead-letter queue with the reason, and it is acknowledged;</li>
 *   <li>anything else is copied to the dead-letter queue with the reason, then acknowledged, and answered with
 *       an {@code INVALID_COMMAND} error event when its number could be read.</li>
 * </ul>
 *
 * A message is never requeued in a loop: when even the dead-letter copy fails, it is handed back once, and a
 * redelivered one is dropped with an ERROR log line.
 *
 * <p>Routing may ask the database (who owns the number, then a claim of its lease: a few round trips), so it runs
 * on a lane per number ({@link SerialLanes}, on the worker's bounded lane threads) rather than on the consumer's
 * one thread: the claims of different numbers overlap, those of one number run in the order the commands came.
 *
 * <p>A command that fails because of the infrastructure (the database or its disk, the broker: see
 * {@link InfrastructureFailures}) is no bad command: it is never dead-lettered. The listener stops taking commands
 * at once (the intake holds them back until the store is back) and hands that one back to its queue; it comes
 * again, in its place, once commands are taken again. The commands of any number already waiting on a routing lane
 * behind it go back too, without being routed: none of them overtakes it.
 */
public class CommandListener implements ChannelAwareMessageListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    /** How a message that could not be carried out was settled. */
    private enum Settlement {
        DEAD_LETTERED, HANDED_BACK, DROPPED
    }

    private final CommandParser parser = new CommandParser();
    private final SessionCommandHandler handler;
    private final EventSink events;
    private final QueueSender sender;
    private final CommandRouter router;
    private final WorkerProperties worker;
    private final CommandMetrics metrics;
    private final Clock clock;
    // Forwarding and the follow-up of finished commands run here rather than on the threads that complete the
    // futures: those are session lanes and the AMQP client's own threads, which a blocked publish must not stall.
    private final ExecutorService settling =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("command-settler").daemon().factory());
    private final SerialLanes forwardsByNumber = new SerialLanes(settling);
    private final SerialLanes routingByNumber;
    private final InFlight taken = new InFlight();
    private volatile boolean accepting = true;
    /** Set when a command failed on the infrastructure, until commands are taken again: see {@link #holdBack}. */
    private volatile boolean heldBack;
    private volatile Consumer<String> infrastructureFailed = reason -> { };

    /** @param routingThreads where the routing lanes run: the worker's bounded lane threads */
    CommandListener(SessionCommandHandler handler, EventSink events, QueueSender sender, CommandRouter router,
            WorkerProperties worker, CommandMetrics metrics, Clock clock, Executor routingThreads) {
        this.routingByNumber = new SerialLanes(routingThreads);
        this.handler = handler;
        this.events = events;
        this.sender = sender;
        this.router = router;
        this.worker = worker;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void onMessage(Message message, Channel channel) {
        take(message, channel);
    }

    /**
     * Takes one message delivered on {@code channel} (by the container, or by the drain of a dead worker's queue)
     * and settles it as the class comment says.
     *
     * @return completes once the message is acknowledged or handed back; empty when the worker is stopping and
     *         the message was held back, unacknowledged, to return to its queue when the channel closes
     */
    Optional<CompletableFuture<Void>> take(Message message, Channel channel) {
        MessageProperties properties = message.getMessageProperties();
        if (!accepting) {
            // Left unacknowledged on purpose: the broker gives it back to the queue when the channel closes.
            log.debug("Stopping: holding back delivery {} from {}", properties.getDeliveryTag(),
                    properties.getConsumerQueue());
            return Optional.empty();
        }
        Delivery delivery = new Delivery(channel, properties.getDeliveryTag(),
                Boolean.TRUE.equals(properties.getRedelivered()), properties.getConsumerQueue());
        taken.track(delivery.settled());
        process(message, delivery);
        return Optional.of(delivery.settled());
    }

    private void process(Message message, Delivery delivery) {
        Timer.Sample started = metrics.start();
        try (CommandLogContext.Scope ignored = CommandLogContext.of(worker.id()).open()) {
            if (isTooLarge(message)) {
                refuseTooLarge(message, delivery, started);
                return;
            }
            switch (parser.parse(message.getBody(), message.getMessageProperties().getContentType())) {
                case Valid(ParsedCommand parsed) -> route(parsed, message, delivery, started);
                case Resync resync -> resync(resync, message, delivery, started);
                case Ignored(String reason) -> {
                    log.debug("Ignoring a message from {}: {}", delivery.queue(), reason);
                    delivery.ack();
                    metrics.record(started, CommandMetrics.WORKER_STATUS, Outcome.IGNORED);
                }
                case Invalid invalid -> refuse(invalid, message, delivery, started);
            }
        } catch (RuntimeException e) {
            settleFailure(message, delivery, started, CommandMetrics.UNKNOWN, e);
        }
    }

    /**
     * A command whose processing or routing threw: held back when the infrastructure failed (see the class
     * comment), else logged with its stack and dead-lettered.
     */
    private void settleFailure(Message message, Delivery delivery, Timer.Sample started, String action,
            RuntimeException e) {
        if (InfrastructureFailures.isInfrastructure(e)) {
            holdBack(delivery, started, action, e);
            return;
        }
        log.error("Processing {} from {} failed", action, delivery.queue(), e);
        fail(message, delivery, started, action, "processing failed: " + Failures.describe(e));
    }

    /** Told why, when a command failed because of the infrastructure: it stops the intake (see the class comment). */
    void whenInfrastructureFails(Consumer<String> holdBack) {
        this.infrastructureFailed = holdBack;
    }

    /** Takes commands again after {@link #stopAccepting()} (a stopped worker that is started again). */
    void startAccepting() {
        heldBack = false;
        accepting = true;
    }

    /** Stops taking new commands; those delivered from now on return to their queue when the channel closes. */
    void stopAccepting() {
        accepting = false;
    }

    /**
     * Waits for the commands already taken to be settled (carried out or refused, and acknowledged).
     *
     * @return whether they all were within {@code timeout}
     */
    boolean awaitSettled(Duration timeout) {
        boolean settled = taken.awaitAll(timeout);
        if (!settled) {
            log.warn("{} commands still unsettled after {}; the broker will deliver them again", taken.size(), timeout);
        }
        return settled;
    }

    @Override
    public void close() {
        settling.shutdown();
    }

    /**
     * Queues the command on its number's routing lane; the consumer goes on with the next message at once. A command
     * the router answers at once (one worker on its own database) is routed right here when nothing of its number
     * waits on the lane, which saves the hand-over to another thread.
     */
    private void route(ParsedCommand parsed, Message message, Delivery delivery, Timer.Sample started) {
        SessionCommand command = parsed.command().withCorrelationId(correlationId(message.getMessageProperties()));
        CommandLogContext context = CommandLogContext.of(worker.id(), OptionalLong.of(command.numberId()),
                command.phoneNumber());
        Runnable turn = () -> {
            try (CommandLogContext.Scope ignored = context.open()) {
                routeInTurn(parsed, command, message, delivery, started);
            }
        };
        if (router.answersAtOnce(parsed.workerId()) && routingByNumber.idle(command.numberId())) {
            turn.run();
            return;
        }
        routingByNumber.run(command.numberId(), turn).exceptionally(failure -> {
            if (Failures.unwrap(failure) instanceof RejectedExecutionException) {
                // Not routed at all: the lane threads are shut down (the worker is stopping). Back to its queue.
                log.debug("Not routing delivery {} from {}: the worker is stopping", delivery.deliveryTag(),
                        delivery.queue());
                delivery.requeue();
            } else {
                // An Error past the step's own handling (a RuntimeException is settled there): the command may be in
                // the session layer's hands already, so it is not requeued (it would run twice); an unsettled
                // delivery goes back to its queue when its channel closes.
                log.error("Routing delivery {} from {} failed", delivery.deliveryTag(), delivery.queue(), failure);
            }
            return null;
        });
    }

    /** The command's turn on its number's routing lane. */
    private void routeInTurn(ParsedCommand parsed, SessionCommand command, Message message, Delivery delivery,
            Timer.Sample started) {
        String action = CommandMetrics.action(command.type());
        if (heldBack) {
            // An earlier command failed on the infrastructure and went back to its queue: this one follows it
            // there rather than overtake it (requeued, it comes back after it, and is held like any other).
            delivery.requeue();
            metrics.record(started, action, Outcome.HELD_BACK);
            return;
        }
        try {
            routeInContext(parsed, command, message, delivery, started);
        } catch (RuntimeException e) {
            settleFailure(message, delivery, started, action, e);
        }
    }

    private void routeInContext(ParsedCommand parsed, SessionCommand command, Message message, Delivery delivery,
            Timer.Sample started) {
        String action = CommandMetrics.action(command.type());
        switch (router.route(command.numberId(), parsed.workerId())) {
            case Route.Here ignored -> handle(command, action, message, delivery, started);
            case Route.Forward(Owner to) -> forward(to.queue(), command, message, delivery, started);
            case Route.UnknownWorker unknown -> {
                log.warn("{} for number {}: {}", action, command.numberId(), Printable.escape(unknown.reason()));
                delivery.ack();
                events.publish(error(command.numberId(), command.phoneNumber(), command.correlationId(),
                        ErrorCode.UNKNOWN_WORKER, unknown.reason()));
                metrics.record(started, action, Outcome.UNKNOWN_WORKER);
            }
        }
    }

    private void handle(SessionCommand command, String action, Message message, Delivery delivery,
            Timer.Sample started) {
        settleWhenDone(() -> handler.handle(command), action + " for number " + command.numberId(), action, message,
                delivery, started);
    }

    /**
     * A resync is answered by the worker that reads it, for the whole fleet (not routed: no number to route by),
     * and acknowledged once its {@code status_end} is written. Its {@code requestId}: the one the backend gave, else
     * the message's id, else a new one.
     */
    private void resync(Resync request, Message message, Delivery delivery, Timer.Sample started) {
        Optional<String> correlationId = correlationId(message.getMessageProperties());
        String requestId = request.requestId().or(() -> correlationId).orElseGet(() -> UUID.randomUUID().toString());
        log.info("Resync {} requested", Printable.escape(requestId));
        String action = CommandMetrics.action(SessionCommand.Type.STATUS);
        settleWhenDone(() -> handler.resync(requestId, correlationId), "resync " + Printable.escape(requestId), action,
                message, delivery, started);
    }

    /** Acknowledges the message once {@code work} is done, or dead-letters it when it failed. */
    private void settleWhenDone(Supplier<CompletionStage<Void>> work, String what, String action, Message message,
            Delivery delivery, Timer.Sample started) {
        CompletionStage<Void> done;
        try {
            done = work.get();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenCompleteAsync(CommandLogContext.current().around((ignored, failure) -> {
            if (failure == null) {
                delivery.ack();
                metrics.record(started, action, Outcome.HANDLED);
            } else if (InfrastructureFailures.isInfrastructure(failure)) {
                holdBack(delivery, started, action, failure);
            } else {
                log.warn("{} failed: {}", what, Failures.describe(failure));
                fail(message, delivery, started, action, "processing failed: " + Failures.describe(failure));
            }
        }), settling);
    }

    private void forward(String queue, SessionCommand command, Message message, Delivery delivery,
            Timer.Sample started) {
        String action = CommandMetrics.action(command.type());
        // One forward at a time per number, each confirmed before the next: a number's commands reach the other
        // worker in the order we received them (publishes on different channels could overtake each other).
        forwardsByNumber.submit(command.numberId(), () -> sender.send(queue, MessageCopies.asPublished(message)))
                .whenCompleteAsync(CommandLogContext.current().around((ignored, failure) -> {
                    if (failure == null) {
                        delivery.ack();
                        log.debug("Forwarded {} for number {} to {}", action, command.numberId(), queue);
                        metrics.record(started, action, Outcome.FORWARDED);
                    } else if (InfrastructureFailures.isInfrastructure(failure)) {
                        holdBack(delivery, started, action, failure);
                    } else {
                        fail(message, delivery, started, action,
                                "forwarding to " + queue + " failed: " + Failures.describe(failure));
                    }
                }), settling);
    }

    private boolean isTooLarge(Message message) {
        byte[] body = message.getBody();
        return body != null && body.length > worker.amqp().maxCommandSize().toBytes();
    }

    /**
     * A body this large is no command (they are a few hundred bytes): it is neither parsed nor copied whole, and
     * the dead-letter queue gets only its first bytes, enough to tell who sent it.
     */
    private void refuseTooLarge(Message message, Delivery delivery, Timer.Sample started) {
        String error = "command too large: " + message.getBody().length + " bytes, more than the "
                + worker.amqp().maxCommandSize().toBytes() + " of worker.amqp.max-command-size (the dead-lettered "
                + "copy keeps the first " + MessageCopies.TRUNCATED_BODY_BYTES + " bytes)";
        log.warn("Refusing a command from {}: {}", delivery.queue(), error);
        sendToDeadLetters(MessageCopies.truncatedDeadLetter(message, error, delivery.queue()), delivery, error)
                .thenRun(() -> metrics.record(started, CommandMetrics.UNKNOWN, Outcome.TOO_LARGE));
    }

    private void refuse(Invalid invalid, Message message, Delivery delivery, Timer.Sample started) {
        try (CommandLogContext.Scope ignored = CommandLogContext.of(worker.id(), invalid.numberId(),
                invalid.phoneNumber().orElse(null)).open()) {
            refuseInContext(invalid, message, delivery, started);
        }
    }

    private void refuseInContext(Invalid invalid, Message message, Delivery delivery, Timer.Sample started) {
        log.warn("Refusing a command from {}: {}", delivery.queue(), invalid.reason());
        deadLetter(message, delivery, invalid.reason()).thenAccept(settlement -> {
            // A message handed back is read again; it is answered then, once.
            if (settlement != Settlement.HANDED_BACK && invalid.numberId().isPresent()) {
                events.publish(error(invalid.numberId().getAsLong(), invalid.phoneNumber().orElse(""),
                        correlationId(message.getMessageProperties()), ErrorCode.INVALID_COMMAND,
                        "Invalid command: " + invalid.reason()));
            }
            metrics.record(started, CommandMetrics.action(invalid.action()), Outcome.INVALID);
        });
    }

    /**
     * A command that failed because of the infrastructure: the intake stops taking commands first, then this one
     * goes back to its queue (delivered again at once, it is held like any other until the intake goes on).
     */
    private void holdBack(Delivery delivery, Timer.Sample started, String action, Throwable failure) {
        String reason = Failures.describe(failure);
        log.warn("{} from {} could not be made durable ({}): it goes back to its queue until the worker can",
                action, delivery.queue(), reason);
        heldBack = true;
        infrastructureFailed.accept(reason);
        delivery.requeue();
        metrics.record(started, action, Outcome.HELD_BACK);
    }

    /** A command that could not be carried out: dead-lettered with the reason, counted as failed. */
    private void fail(Message message, Delivery delivery, Timer.Sample started, String action, String error) {
        deadLetter(message, delivery, error)
                .thenRun(() -> metrics.record(started, action, Outcome.FAILED));
    }

    private CompletableFuture<Settlement> deadLetter(Message message, Delivery delivery, String error) {
        return sendToDeadLetters(MessageCopies.deadLetter(message, error, delivery.queue()), delivery, error);
    }

    /** Puts {@code copy} on the dead-letter queue, then settles the delivery it was made of. */
    private CompletableFuture<Settlement> sendToDeadLetters(Message copy, Delivery delivery, String error) {
        String deadLetterQueue = worker.amqp().deadLetterQueue();
        return sender.send(deadLetterQueue, copy)
                .handleAsync(CommandLogContext.current().aroundFunction((ignored, failure) -> {
                    if (failure == null) {
                        delivery.ack();
                        return Settlement.DEAD_LETTERED;
                    }
                    if (!delivery.redelivered()) {
                        log.warn("Could not copy a refused command to {} ({}); handing it back to {} for one more try",
                                deadLetterQueue, Failures.describe(failure), delivery.queue());
                        delivery.requeue();
                        return Settlement.HANDED_BACK;
                    }
                    log.error("Dropping a command from {} that could not be copied to {} ({}) on its second delivery "
                                    + "either. It was refused because: {}", delivery.queue(), deadLetterQueue,
                            Failures.describe(failure), error);
                    delivery.ack();
                    return Settlement.DROPPED;
                }), settling);
    }

    private WorkerEvent error(long numberId, String phoneNumber, Optional<String> correlationId, ErrorCode code,
            String text) {
        return new WorkerEvent.Error(
                new EventHeader(numberId, SessionIds.of(numberId, phoneNumber), clock.instant(), correlationId),
                code, text);
    }

    /** The command's {@code message_id}, else its {@code correlation_id}: echoed on the events it causes. */
    private static Optional<String> correlationId(MessageProperties properties) {
        return Optional.ofNullable(properties.getMessageId()).filter(id -> !id.isBlank())
                .or(() -> Optional.ofNullable(properties.getCorrelationId()).filter(id -> !id.isBlank()));
    }
}
