package dev.waworker.session;

import java.time.Instant;

/**
 * What a pairing session shows the user to link the device, kept to re-announce it on an idempotent
 * {@code create}. Both kinds are credentials: their {@code toString} leaves the payload out.
 */
sealed interface Shown {

    Instant expiresAt();

    /** A QR to scan: WhatsApp's pairing ref, rendered as a PNG when it is published. */
    record Qr(String ref, Instant expiresAt, int qrIndex) implements Shown {
        @Override
        public String toString() {
            return "Qr[qrIndex=" + qrIndex + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** A code to type on the phone of the number. */
    record Code(String code, Instant expiresAt) implements Shown {
        @Override
        public String toString() {
            return "Code[expiresAt=" + expiresAt + "]";
        }
    }
}
