package dev.waworker.session;

import java.time.Duration;

/**
 * The knobs of the session layer.
 *
 * @param maxQrRetries    how many times an expired QR is replaced before the validation gives up (the seed's 3)
 * @param connectAttempts how many connection attempts in a row may fail before {@code CONNECT_FAILED}
 * @param connectBackoff  the wait before the second attempt; it doubles for each further one, up to
 *                        {@link #MAX_BACKOFF}
 */
public record SessionSettings(int maxQrRetries, int connectAttempts, Duration connectBackoff) {

    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    public SessionSettings {
        if (maxQrRetries < 0) {
            throw new IllegalArgumentException("maxQrRetries must be 0 or more");
        }
        if (connectAttempts < 1) {
            throw new IllegalArgumentException("connectAttempts must be 1 or more");
        }
        if (connectBackoff.isNegative()) {
            throw new IllegalArgumentException("connectBackoff must not be negative");
        }
    }

    /** The wait before retrying after {@code failures} failed attempts in a row. */
    Duration backoffAfter(int failures) {
        Duration delay = connectBackoff;
        for (int i = 1; i < failures && delay.compareTo(MAX_BACKOFF) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }
}
