package dev.waworker.amqp;

import java.util.Optional;

import dev.waworker.ownership.Route;

/** Decides which worker carries out a command: this one, or another reached through its own queue. */
interface CommandRouter {

    /** @param namedWorker the {@code workerId} the backend put in the command, if any */
    Route route(long numberId, Optional<String> namedWorker);
}
