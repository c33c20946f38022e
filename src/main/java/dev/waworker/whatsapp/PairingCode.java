package dev.waworker.whatsapp;

import java.time.Duration;
import java.util.Objects;

/**
 * A code that links the device when typed on the phone of the client's number (WhatsApp's "link with phone
 * number instead"), the alternative to scanning a QR.
 *
 * @param code the 8 characters as WhatsApp shows them, {@code XXXX-XXXX}: a credential, like a QR
 * @param ttl  how long, from now, the phone may still enter it
 */
public record PairingCode(String code, Duration ttl) {

    public PairingCode {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
    }

    /** Never include the code: it is a credential. */
    @Override
    public String toString() {
        return "PairingCode[ttl=" + ttl + "]";
    }
}
