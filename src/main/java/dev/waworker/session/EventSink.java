package dev.waworker.session;

import java.util.concurrent.CompletionStage;

/** Where the session layer sends events for the backend; the AMQP layer implements it. */
public interface EventSink {

    /**
     * Sends the event. The stage completes once the broker confirmed it, and completes exceptionally when it
     * could not be delivered after the sink's own retries.
     */
    CompletionStage<Void> publish(WorkerEvent event);
}
