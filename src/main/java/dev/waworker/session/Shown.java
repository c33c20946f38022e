package dev.waworker.session;

import java.time.Instant;

/**
 * What a pairing session shows the user to link the device, kept to re-announce it on an idempotent
 * {@code create}. Both kinds are credentials: their {@code toString} leaves the payload out.
 */
sealed interface Shown {

    Instant expiresAt();

    /** The event that tells the backend to show it. */
    WorkerEvent announcement(EventHeader header);

    /** A QR to scan, as a PNG data URL. */
    record Qr(String dataUrl, Instant expiresAt, int qrIndex) implements Shown {
        @Override
        public WorkerEvent announcement(EventHeader header) {
            return new WorkerEvent.QrGenerated(header, dataUrl, expiresAt, qrIndex);
        }

        @Override
        public String toString() {
            return "Qr[qrIndex=" + qrIndex + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** A code to type on the phone of the number. */
    record Code(String code, Instant expiresAt) implements Shown {
        @Override
        public WorkerEvent announcement(EventHeader header) {
            return new WorkerEvent.PairingCode(header, code, expiresAt);
        }

        @Override
        public String toString() {
            return "Code[expiresAt=" + expiresAt + "]";
        }
    }
}
