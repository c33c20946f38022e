package dev.waworker.amqp;

import org.apache.commons.logging.Log;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory.DefaultChannelCloseLogger;
import org.springframework.amqp.support.ConditionalExceptionLogger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * How a closed channel is logged. A queue that a backend declared first with other arguments makes the broker
 * refuse the worker's declaration (406 PRECONDITION_FAILED) and close that channel: {@code RabbitAdmin} already
 * says so in one WARN ("Failed to declare queue ..., continuing"), and the worker goes on with the queue as it is,
 * so the connection factory's ERROR for the same close is logged at DEBUG instead. Every other close is logged as
 * Spring AMQP logs it.
 */
final class ChannelCloseLog implements ConditionalExceptionLogger {

    private final ConditionalExceptionLogger usual = new DefaultChannelCloseLogger();

    @Override
    public void log(Log logger, String message, Throwable cause) {
        if (isRefusedDeclaration(cause)) {
            logger.debug(message + ": " + cause.getMessage());
            return;
        }
        usual.log(logger, message, cause);
    }

    private static boolean isRefusedDeclaration(Throwable cause) {
        return cause instanceof ShutdownSignalException signal && !signal.isHardError()
                && signal.getReason() instanceof AMQP.Channel.Close close
                && close.getReplyCode() == AMQP.PRECONDITION_FAILED;
    }
}
