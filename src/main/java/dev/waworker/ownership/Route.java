package dev.waworker.ownership;

/**
 * Who handles a command: this worker, another worker reached through its own queue, or nobody, because the backend
 * named a worker that does not exist. With several workers on one database the {@link OwnershipPolicy} decides it
 * from the number's lease; a worker alone on its database decides it from the worker the command names.
 */
public sealed interface Route {

    /** This worker handles the command. */
    record Here() implements Route {
    }

    /** Another worker handles the command: it goes, unchanged, to that worker's queue. */
    record Forward(Owner to) implements Route {
    }

    /**
     * The backend named a worker that does not exist; the command is answered with an {@code UNKNOWN_WORKER} error.
     *
     * @param why how that is known, e.g. "no worker of that id ever started"
     */
    record UnknownWorker(String workerId, String why) implements Route {

        /** What the backend is told. */
        public String reason() {
            return "Unknown worker '" + workerId + "': " + why;
        }
    }
}
