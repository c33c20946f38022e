package dev.waworker.session;

import dev.waworker.whatsapp.WhatsAppClient;

/**
 * What {@link SessionManager} holds for a number with a live session: its {@link NumberValidation} (the
 * decisions) and the handles of the world the effects act on (its client, its pending timers). Only the number's
 * lane touches it.
 */
final class LiveSession {

    final NumberValidation validation;
    WhatsAppClient client;
    Timers.Cancellable shownExpiry;
    Timers.Cancellable reconnectTimer;

    LiveSession(NumberValidation validation) {
        this.validation = validation;
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
