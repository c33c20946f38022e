package dev.waworker.amqp;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpIOException;
import org.springframework.amqp.AmqpTimeoutException;

import com.rabbitmq.client.ShutdownSignalException;

import dev.waworker.store.StoreFailures;

/**
 * Tells a failure of the infrastructure (the database or its disk, the broker) from a failure of the command:
 * the first is no reason to dead-letter anything, the command waits until the worker can make it durable again.
 * Read from the exceptions' types along the cause chain (see {@link StoreFailures}), never from their messages.
 */
final class InfrastructureFailures {

    private InfrastructureFailures() {
    }

    static boolean isInfrastructure(Throwable failure) {
        Throwable cause = Failures.unwrap(failure);
        return StoreFailures.isStoreUnavailable(cause) || isBrokerUnavailable(cause);
    }

    private static boolean isBrokerUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof AmqpConnectException || cause instanceof AmqpIOException
                    || cause instanceof AmqpTimeoutException || cause instanceof ShutdownSignalException) {
                return true;
            }
        }
        return false;
    }
}
