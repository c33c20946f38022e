package dev.waworker.session;

import java.util.concurrent.CompletionStage;

/** Where an event for the backend goes when no session step stands behind it (an answer to a refused command). */
public interface EventSink {

    /**
     * Sends the event. Returns at once without blocking: it may be called on the thread that settled the previous
     * event (a broker's confirm callback). The stage completes once the event is safe: confirmed by the broker, or
     * written to an outbox that delivers it; it completes exceptionally when it could be neither.
     */
    CompletionStage<Void> publish(WorkerEvent event);
}
