package dev.waworker.amqp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

import com.rabbitmq.client.ShutdownSignalException;

/**
 * What an operator reads about the broker connection: one WARN when it is lost (or cannot be made at start-up),
 * saying how often it is retried, and one INFO when it is back, with how long it took. While the connection is
 * lost, {@link BrokerRetryLogFilter} holds back Spring AMQP's own lines about every attempt (an ERROR with a stack
 * trace per consumer restart, an INFO per connection attempt): a restart of the broker is one WARN, not a page
 * of stack traces.
 */
final class BrokerConnectionLog implements ConnectionListener {

    private static final Logger log = LoggerFactory.getLogger(BrokerConnectionLog.class);

    private final String broker;
    private final Duration retryInterval;
    private final Clock clock;
    /** When the connection was lost; null while it is up. */
    private final AtomicReference<Instant> lostSince = new AtomicReference<>();
    private final AtomicInteger failedAttempts = new AtomicInteger();

    BrokerConnectionLog(String broker, Duration retryInterval, Clock clock) {
        this.broker = broker;
        this.retryInterval = retryInterval;
        this.clock = clock;
    }

    /** Whether the connection is lost and being retried: the series of attempts a WARN already announced. */
    boolean retrying() {
        return lostSince.get() != null;
    }

    @Override
    public void onCreate(Connection connection) {
        Instant since = lostSince.getAndSet(null);
        if (since != null) {
            log.info("Connected to the broker {} again after {} s ({} failed attempts)", broker,
                    Duration.between(since, clock.instant()).toSeconds(), failedAttempts.getAndSet(0));
        }
    }

    @Override
    public void onShutDown(ShutdownSignalException signal) {
        if (!signal.isInitiatedByApplication()) {
            lost(signal.getMessage());
        }
    }

    @Override
    public void onFailed(Exception cause) {
        failedAttempts.incrementAndGet();
        lost(rootCause(cause));
    }

    private void lost(String reason) {
        if (lostSince.compareAndSet(null, clock.instant())) {
            log.warn("Lost the broker {}: {}. Reconnecting every {} s; commands wait in their queues and events in "
                    + "the outbox until it is back", broker, Printable.escape(reason), retryInterval.toSeconds());
        }
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
