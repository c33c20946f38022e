package dev.waworker.amqp;

import java.util.Optional;

import dev.waworker.ownership.Route;

/** Decides which worker carries out a command: this one, or another reached through its own queue. */
interface CommandRouter {

    /** @param namedWorker the {@code workerId} the backend put in the command, if any */
    Route route(long numberId, Optional<String> namedWorker);

    /**
     * Whether {@link #route} answers at once for such a command, asking nobody (no database, no broker): the
     * listener then routes it on the consumer's thread instead of handing it to the number's routing lane. Unless
     * a router says so, it may wait.
     */
    default boolean answersAtOnce(Optional<String> namedWorker) {
        return false;
    }
}
