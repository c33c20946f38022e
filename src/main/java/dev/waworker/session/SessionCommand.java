package dev.waworker.session;

import java.util.Objects;
import java.util.Optional;

/**
 * A validated command from the backend for one number.
 *
 * @param pairingMethod how a pairing this command starts links the device; the default {@link PairingMethod#QR}
 *                      when the command does not say
 * @param correlationId the command message's {@code message_id} or {@code correlation_id}, echoed on the events
 *                      it causes
 */
public record SessionCommand(Type type, long numberId, String phoneNumber, PairingMethod pairingMethod,
                             Optional<String> correlationId) {

    public enum Type {
        /** Start (or re-announce) the validation of a number: {@code create} and its alias {@code validate}. */
        CREATE,
        REGENERATE_QR,
        CLOSE,
        RECONNECT,
        /** Where does the number stand? Answered with a {@code status} event; changes nothing. */
        STATUS
    }

    public SessionCommand {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(pairingMethod, "pairingMethod");
        Objects.requireNonNull(correlationId, "correlationId");
    }

    public String sessionId() {
        return SessionIds.of(numberId, phoneNumber);
    }

    /** The same command, echoing {@code correlationId} on its events. */
    public SessionCommand withCorrelationId(Optional<String> correlationId) {
        return new SessionCommand(type, numberId, phoneNumber, pairingMethod, correlationId);
    }
}
