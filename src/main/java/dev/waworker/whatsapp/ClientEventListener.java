package dev.waworker.whatsapp;

/**
 * Receives the events of one client. Adapters call it from their own threads (never while holding a lock the
 * session layer could need): the listener is expected to hand the event over to the number's lane and return.
 */
@FunctionalInterface
public interface ClientEventListener {
    void onEvent(ClientEvent event);
}
