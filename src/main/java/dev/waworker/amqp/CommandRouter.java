package dev.waworker.amqp;

import java.util.Optional;

/** Decides which worker carries out a command: this one, or another reached through its own queue. */
interface CommandRouter {

    /** Where a command goes. */
    sealed interface Route {
        record Here() implements Route {
        }

        record Forward(String workerId, String queue) implements Route {
        }

        /** The backend named a worker that does not exist; {@code reason} is what the backend is told. */
        record UnknownWorker(String reason) implements Route {
        }
    }

    /** @param namedWorker the {@code workerId} the backend put in the command, if any */
    Route route(long numberId, Optional<String> namedWorker);
}
