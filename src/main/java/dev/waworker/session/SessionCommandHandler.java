package dev.waworker.session;

import java.util.concurrent.CompletionStage;

/** Takes the backend's validated commands; {@link SessionManager} is the implementation. */
public interface SessionCommandHandler {

    /**
     * Queues the command on its number's lane. Commands for one number run one at a time in the order they were
     * handed over; different numbers run in parallel.
     *
     * @return completes when the command has been carried out (its immediate events handed to the sink), or
     *         exceptionally when carrying it out failed
     */
    CompletionStage<Void> handle(SessionCommand command);
}
