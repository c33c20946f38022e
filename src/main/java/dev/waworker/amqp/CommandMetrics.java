package dev.waworker.amqp;

import java.util.Locale;
import java.util.Optional;

import dev.waworker.session.SessionCommand;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code worker.commands} (tags {@code action}, {@code outcome}) and {@code worker.command.duration} (tag
 * {@code action}, from the moment a message is read to the moment it is settled).
 */
final class CommandMetrics {

    static final String WORKER_STATUS = "worker_status";
    static final String UNKNOWN = "unknown";

    /** What became of a command message. */
    enum Outcome {
        HANDLED, FORWARDED, UNKNOWN_WORKER, INVALID, TOO_LARGE, IGNORED, FAILED, HELD_BACK;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry meters;

    CommandMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    Timer.Sample start() {
        return Timer.start(meters);
    }

    void record(Timer.Sample started, String action, Outcome outcome) {
        meters.counter("worker.commands", "action", action, "outcome", outcome.tag()).increment();
        started.stop(meters.timer("worker.command.duration", "action", action));
    }

    /** The {@code action} tag of a command: the contract's name, {@code validate} counted as {@code create}. */
    static String action(SessionCommand.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The {@code action} tag of a refused command: its action when it was one of the contract's, else
     * {@code unknown}. Never the text as sent, which would give every bogus action a time series of its own.
     */
    static String action(Optional<SessionCommand.Type> type) {
        return type.map(CommandMetrics::action).orElse(UNKNOWN);
    }
}
