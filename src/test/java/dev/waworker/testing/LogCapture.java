package dev.waworker.testing;

import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Captures what one logger logs, at every level, for the duration of a try-with-resources block. Meanwhile its
 * lines go to the capture only, not to the console as well: they are what the test provokes and checks (a failed
 * step, a refused connection), and printed they would read as alarming ERRORs in the build's log.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousAdditivity;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            // Read the MDC and the message now, on the logging thread: they are read lazily otherwise, when the
            // step that set the MDC has cleared it.
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    private LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        previousLevel = logger.getLevel();
        previousAdditivity = logger.isAdditive();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** For loggers named after something else than a class, such as {@code whatsmeow}. */
    public static LogCapture named(String loggerName) {
        return new LogCapture(loggerName);
    }

    public List<String> messagesAboveDebug() {
        return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The MDC of each line above DEBUG, in order. */
    public List<Map<String, String>> mdcAboveDebug() {
        return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getMDCPropertyMap).toList();
    }

    /** Whether any line captured carries an exception (which the log would print as a stack trace). */
    public boolean anyThrowable() {
        return appender.list.stream().anyMatch(event -> event.getThrowableProxy() != null);
    }

    public List<String> debugMessages() {
        return appender.list.stream().filter(event -> event.getLevel() == Level.DEBUG)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setAdditive(previousAdditivity);
        logger.setLevel(previousLevel);
    }
}
