package dev.waworker.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.WhatsAppClient;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * Opens, asks and releases the numbers' WhatsApp clients for the lane runner. Releasing never fails a step: a
 * logout or close that throws is logged and the client let go all the same.
 */
final class ClientLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final WhatsAppClientFactory whatsApp;

    ClientLifecycle(WhatsAppClientFactory whatsApp) {
        this.whatsApp = whatsApp;
    }

    WhatsAppClient open(ClientSpec spec, ClientEventListener listener) {
        return whatsApp.open(spec, listener);
    }

    /** Asks WhatsApp for the connection's pairing code; its answer, or its refusal, is the next input. */
    Input requestPairingCode(WhatsAppClient client) {
        try {
            return new Input.PairingCodeObtained(client.requestPairingCode());
        } catch (RuntimeException refused) {
            return new Input.PairingCodeRefused(refused.getMessage());
        }
    }

    /** Releases the client; with {@code logOut} the device is unlinked and its credentials deleted first. */
    void release(WhatsAppClient client, boolean logOut, String sessionId) {
        if (logOut) {
            try {
                client.logout();
            } catch (RuntimeException e) {
                log.warn("Logging out {} failed: {}", sessionId, e.getMessage());
            }
        }
        try {
            client.close();
        } catch (RuntimeException e) {
            log.warn("Closing the client of {} failed: {}", sessionId, e.getMessage());
        }
    }

    /** Deletes the stored device of a number without a live session; whether there was one. */
    boolean forget(long numberId) {
        return whatsApp.forget(numberId);
    }
}
