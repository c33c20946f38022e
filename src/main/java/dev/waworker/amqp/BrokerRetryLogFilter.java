package dev.waworker.amqp;

import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Holds back Spring AMQP's lines about the broker connection while {@link BrokerConnectionLog} reports it lost: the
 * listener container's "Consumer canceled" and "Cannot connect to server" (an ERROR with a stack trace on every
 * restart attempt) and the connection factory's "Attempting to connect" (an INFO per attempt). Lines of other
 * loggers, and these loggers' lines while the connection is up, pass as they are.
 */
final class BrokerRetryLogFilter extends TurboFilter implements AutoCloseable {

    private static final String LISTENER_CONTAINERS = "org.springframework.amqp.rabbit.listener.";
    private static final String CONNECTION_FACTORY = "org.springframework.amqp.rabbit.connection.CachingConnectionFactory";
    /**
     * The container's line when a consumer's channel closes under it; it may come just before the connection's own
     * shutdown reaches {@link BrokerConnectionLog}, and is then the first line of the same outage.
     */
    private static final String CHANNEL_CLOSED = "Consumer canceled - channel closed";

    private final BrokerConnectionLog connection;

    private BrokerRetryLogFilter(BrokerConnectionLog connection) {
        this.connection = connection;
    }

    /** Installs the filter in Logback (Spring Boot's default logging); closing it removes it again. */
    static AutoCloseable install(BrokerConnectionLog connection) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };   // another logging system: its lines stay as they are
        }
        BrokerRetryLogFilter filter = new BrokerRetryLogFilter(connection);
        filter.setName("broker-retry");
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        return filter;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        boolean amqpConnectionLine = name.startsWith(LISTENER_CONTAINERS) || name.equals(CONNECTION_FACTORY);
        if (!amqpConnectionLine) {
            return FilterReply.NEUTRAL;
        }
        if (connection.retrying() || (format != null && format.startsWith(CHANNEL_CLOSED))) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    @Override
    public void close() {
        stop();
        if (getContext() instanceof LoggerContext context) {
            context.getTurboFilterList().remove(this);
        }
    }
}
