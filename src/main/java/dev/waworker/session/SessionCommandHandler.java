package dev.waworker.session;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

    /**
     * A resync: one {@code status} event per number the worker fleet recorded, tagged {@code requestId}, then one
     * {@code status_end} (see {@link StatusResync}).
     *
     * @param correlationId the request message's id, echoed on the events
     * @return completes once the {@code status_end} is written, or exceptionally when the resync could not finish
     */
    default CompletionStage<Void> resync(String requestId, Optional<String> correlationId) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this handler answers no resync"));
    }
}
