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

    /**
     * Where a number stands, asked by the backend ({@code status}); {@code requestId} set in the answers to a resync.
     * {@code qrCode} (a PNG data URL) and {@code pairingCode} are what the number shows now, only in the live
     * owner's answer: credentials, never logged above DEBUG.
     */
    record Status(EventHeader header, NumberStatus status, int maxAttempts, Optional<String> qrCode,
            Optional<String> pairingCode, Optional<String> requestId) implements WorkerEvent {
        @Override
        public String action() {
            return "status";
        }

        /** This answer showing {@code qrCode} or {@code pairingCode}. */
        Status showing(Optional<String> newQrCode, Optional<String> newPairingCode) {
            return new Status(header, status, maxAttempts, newQrCode, newPairingCode, requestId);
        }

        @Override
        public String toString() {
            return "Status[" + header + ", " + status + ", qrCode " + (qrCode.isPresent() ? "shown" : "none")
                    + ", pairingCode " + (pairingCode.isPresent() ? "shown" : "none") + ", requestId=" + requestId
                    + "]";
        }
    }

    /**
     * The end of a resync: {@code count} {@code status} events tagged {@code requestId} went before it, all
     * confirmed by the broker. Its header's {@code numberId} is 0: it is about no number.
     */
    record StatusEnd(EventHeader header, String requestId, long count) implements WorkerEvent {
        @Override
        public String action() {
            return "status_end";
        }
    }
}
