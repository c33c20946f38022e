package dev.waworker.amqp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether this worker takes commands: its consumers run, its store can make commands durable (see
 * {@link CommandIntake#heldBecause()}) and its broker connection is open. Part of the readiness
 * group, so that an orchestrator (or the container's HEALTHCHECK) sees a worker that cannot serve as not ready.
 *
 * <p>Replaces Spring Boot's {@code rabbit} indicator, which logs the whole stack trace of every failed probe: a
 * broker down for an hour would fill the log. Here a failed probe logs one WARN line saying why.
 */
final class CommandIntakeHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(CommandIntakeHealth.class);

    private final CommandIntake intake;
    private final ConnectionFactory connections;

    CommandIntakeHealth(CommandIntake intake, ConnectionFactory connections) {
        this.intake = intake;
        this.connections = connections;
    }

    @Override
    public Health health() {
        if (intake.heldBecause().isPresent()) {
            return down("commands are held back: " + Printable.escape(intake.heldBecause().get()));
        }
        if (!intake.isConsuming()) {
            return down("the command consumers are not running");
        }
        try {
            Connection connection = connections.createConnection();
            if (!connection.isOpen()) {
                return down("the broker connection is closed");
            }
        } catch (AmqpException e) {
            return down("the broker cannot be reached: " + Failures.describe(rootCause(e)));
        }
        return Health.up().build();
    }

    private static Health down(String reason) {
        log.warn("Not ready: {}", reason);
        return Health.down().withDetail("reason", reason).build();
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
