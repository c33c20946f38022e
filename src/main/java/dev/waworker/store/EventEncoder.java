package dev.waworker.store;

import dev.waworker.session.WorkerEvent;

/** Writes an event as the message body the backend will receive, so that the outbox keeps exactly that. */
@FunctionalInterface
public interface EventEncoder {

    String encode(WorkerEvent event, String eventId);
}
