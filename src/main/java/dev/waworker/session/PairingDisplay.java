package dev.waworker.session;

import java.util.Optional;

/**
 * How a pairing session turns its pairing connection into what the user is shown, one strategy per
 * {@link PairingMethod}. Everything else (the retry rule, the expiry timers, the events) is the same for both and
 * stays in {@link SessionManager}.
 */
sealed interface PairingDisplay permits QrDisplay, CodeDisplay {

    /**
     * The next thing to show from the session's current pairing connection, taken from it (a QR ref is shown
     * once, a connection gives one code). Empty when the connection has nothing more to offer: a new connection is
     * needed.
     *
     * @throws RuntimeException when WhatsApp refused to hand it out
     */
    Optional<Shown> next(NumberSession session);

    /** What is shown, as a sentence names it: "QR code", "pairing code". */
    String noun();

    /** What is shown, as the seed's log lines start with it ("QR Code generated for ..."). */
    String title();

    /** What the phone's account did with it, for the phone-mismatch message: "scanned the QR code". */
    String usedBy();

    default String capitalizedNoun() {
        return Character.toUpperCase(noun().charAt(0)) + noun().substring(1);
    }
}
