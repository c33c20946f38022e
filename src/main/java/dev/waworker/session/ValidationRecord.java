package dev.waworker.session;

import java.time.Instant;
import java.util.Optional;

/**
 * The durable part of a number's live session: enough to take its validation up again after a restart.
 *
 * @param attempt   the retry counter (regenerations used), the same {@code attempt} as everywhere else
 * @param startedAt when the validation started; empty for a session that is not validating (a restored device)
 */
public record ValidationRecord(long numberId, String phoneNumber, PairingMethod pairingMethod,
        Optional<String> correlationId, SessionState state, int attempt, int qrIndex, Optional<Instant> startedAt) {

    public String sessionId() {
        return SessionIds.of(numberId, phoneNumber);
    }
}
