package dev.waworker.whatsapp.whatsmeow;

import java.time.Duration;
import java.util.Objects;

/** How long the worker shows the first QR of a connection, and each following one. */
public record QrTtls(Duration first, Duration next) {
    public QrTtls {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(next, "next");
    }
}
