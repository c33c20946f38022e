package dev.waworker.session;

import java.time.Instant;
import java.util.Optional;

import dev.waworker.whatsapp.ClientSpec;

/**
 * The state of one number's live session: who it is for, where it stands, its {@link Pairing} and its
 * {@link Link}. Immutable; {@link SessionDecider} makes the next one.
 *
 * @param correlationId the last command's, echoed on the events it causes
 */
record NumberSession(long numberId, String phoneNumber, Optional<String> correlationId, SessionState state,
        Pairing pairing, Link link) {

    /** The session of a client about to open for {@code command} (see {@link Pairing#opening}). */
    static NumberSession opening(SessionCommand command, Optional<Instant> waitingSince,
            Optional<ValidationRecord> resumed) {
        return new NumberSession(command.numberId(), command.phoneNumber(), command.correlationId(),
                SessionState.PAIRING, Pairing.opening(command.pairingMethod(), waitingSince, resumed),
                Link.opening());
    }

    String sessionId() {
        return SessionIds.of(numberId, phoneNumber);
    }

    ClientSpec clientSpec() {
        return new ClientSpec(numberId, phoneNumber);
    }

    EventHeader header(Instant now) {
        return new EventHeader(numberId, sessionId(), now, correlationId);
    }

    NumberSession with(SessionState newState) {
        return new NumberSession(numberId, phoneNumber, correlationId, newState, pairing, link);
    }

    NumberSession with(Pairing newPairing) {
        return new NumberSession(numberId, phoneNumber, correlationId, state, newPairing, link);
    }

    NumberSession with(Link newLink) {
        return new NumberSession(numberId, phoneNumber, correlationId, state, pairing, newLink);
    }

    NumberSession answering(Optional<String> newCorrelationId) {
        return new NumberSession(numberId, phoneNumber, newCorrelationId, state, pairing, link);
    }

    SessionView view() {
        return new SessionView(numberId, sessionId(), state, pairing.attempt(), pairing.qrIndex());
    }

    /** What is kept of it in the worker's database. */
    ValidationRecord record() {
        return new ValidationRecord(numberId, phoneNumber, pairing.method(), correlationId, state, pairing.attempt(),
                pairing.qrIndex(), pairing.startedAt());
    }
}
