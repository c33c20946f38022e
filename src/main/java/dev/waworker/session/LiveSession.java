package dev.waworker.session;

import java.time.Instant;

import dev.waworker.whatsapp.WhatsAppClient;

/**
 * What {@link SessionManager} holds for a number with a live session: its state (the decisions' input) and the
 * handles of the world the effects act on (its client, its pending timers). Only the number's lane touches it.
 */
final class LiveSession {

    /** Written on the lane only; volatile because client and timer threads read it to label what they queue. */
    volatile NumberSession state;
    WhatsAppClient client;
    Timers.Cancellable shownExpiry;
    Timers.Cancellable reconnectTimer;
    /** Since when its connection waits for its reconnect turn ({@link ReconnectPacing}); null when it does not. */
    Instant waitingForTurnSince;

    LiveSession(NumberSession state) {
        this.state = state;
    }

    void cancelTimers() {
        if (shownExpiry != null) {
            shownExpiry.cancel();
            shownExpiry = null;
        }
        if (reconnectTimer != null) {
            reconnectTimer.cancel();
            reconnectTimer = null;
        }
    }
}
