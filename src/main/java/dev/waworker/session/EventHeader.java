package dev.waworker.session;

import java.time.Instant;
import java.util.Optional;

/**
 * What every event to the backend carries.
 *
 * @param correlationId the {@code message_id} (or {@code correlation_id}) of the command that caused the event
 */
public record EventHeader(long numberId, String sessionId, Instant timestamp, Optional<String> correlationId) {
}
