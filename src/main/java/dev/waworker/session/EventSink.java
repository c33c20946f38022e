package dev.waworker.session;

import java.util.concurrent.CompletionStage;

/** Where the session layer sends events for the backend; the AMQP layer implements it. */
public interface EventSink {

    /**
     * Sends the event. Returns at once without blocking: it may be called on the thread that settled the previous
     * event (a broker's confirm callback). The stage completes once the broker confirmed it, and completes
     * exceptionally when it could not be delivered after the sink's own retries.
     */
    CompletionStage<Void> publish(WorkerEvent event);
}
