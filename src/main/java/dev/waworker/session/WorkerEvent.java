package dev.waworker.session;

import java.time.Instant;
import java.util.Optional;

/**
 * An event for the backend, one record per {@code action} of the contract. The AMQP layer turns these into
 * the JSON messages on {@code whatsapp.worker.events}.
 */
public sealed interface WorkerEvent {

    EventHeader header();

    /** The contract's {@code action} field. */
    String action();

    /** A new QR the user can scan. {@code qrCode} is a PNG data URL: a credential, never logged above DEBUG. */
    record QrGenerated(EventHeader header, String qrCode, Instant expiresAt, int qrIndex) implements WorkerEvent {
        @Override
        public String action() {
            return "qr_generated";
        }

        @Override
        public String toString() {
            return "QrGenerated[" + header + ", qrIndex=" + qrIndex + ", expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * A new code the user can type on the phone of the number (ours: pairing by code). {@code code} is a
     * credential, never logged above DEBUG.
     */
    record PairingCode(EventHeader header, String code, Instant expiresAt) implements WorkerEvent {
        @Override
        public String action() {
            return "pairing_code";
        }

        @Override
        public String toString() {
            return "PairingCode[" + header + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** The shown QR (or pairing code) expired unused and another attempt follows. */
    record QrRegenerating(EventHeader header, int attempt, int maxAttempts, String message) implements WorkerEvent {
        @Override
        public String action() {
            return "qr_regenerating";
        }
    }

    /** The number is linked and connected; {@code message} is set only when a command found it connected. */
    record Connected(EventHeader header, String phoneNumber, String jid, Optional<String> message)
            implements WorkerEvent {
        @Override
        public String action() {
            return "connected";
        }
    }

    /** The linked device is gone: logged out from the phone, or closed by the backend. */
    record Disconnected(EventHeader header, String reason) implements WorkerEvent {
        @Override
        public String action() {
            return "disconnected";
        }
    }

    /** Something the backend must know failed. */
    record Error(EventHeader header, ErrorCode code, String error) implements WorkerEvent {
        @Override
        public String action() {
            return "error";
        }
    }
}
