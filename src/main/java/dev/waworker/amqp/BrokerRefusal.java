package dev.waworker.amqp;

import java.util.OptionalInt;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * The broker's reply code when it refused a request on a channel by closing the channel (404 no such queue, 403
 * exclusive consumer refused, 406 arguments or state not as asked), found in an exception's causes.
 */
final class BrokerRefusal {

    private BrokerRefusal() {
    }

    static OptionalInt code(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ShutdownSignalException signal && !signal.isHardError()
                    && signal.getReason() instanceof AMQP.Channel.Close close) {
                return OptionalInt.of(close.getReplyCode());
            }
        }
        return OptionalInt.empty();
    }

    static boolean is(Throwable failure, int replyCode) {
        OptionalInt code = code(failure);
        return code.isPresent() && code.getAsInt() == replyCode;
    }
}
