package dev.waworker.whatsapp;

/**
 * One WhatsApp linked-device client for one number. Outcomes (QR codes, pairing, connection, failures) arrive as
 * {@link ClientEvent}s through the listener given to the factory. Most methods return at once; the two that wait
 * for WhatsApp's answer ({@link #requestPairingCode()}, {@link #logout()} of a linked device) are bounded by the
 * adapter's timeouts, so callers run them on threads that may block.
 */
public interface WhatsAppClient {

    /** Whether the store holds credentials of a linked device for this number (no QR needed to connect). */
    boolean isPaired();

    /** Opens a connection. An unpaired client then reports {@link ClientEvent.QrCodes}; a paired one connects. */
    void connect();

    /**
     * Asks WhatsApp for the code that links this device when typed on the phone of the client's own number: the
     * alternative to a QR. The code belongs to the current pairing connection, so this may be called only once
     * {@link ClientEvent.QrCodes} arrived for it, and the code dies with it; a new connection needs a new code.
     * Unlike the other methods it waits for WhatsApp's answer. The pairing then ends in the same events as a scan.
     *
     * @throws RuntimeException when there is no pairing connection or WhatsApp refused to hand out a code
     */
    PairingCode requestPairingCode();

    /** Drops the live connection and keeps the credentials. */
    void disconnect();

    /**
     * Unlinks the device from the account (when it is linked and WhatsApp is reachable: this waits for its answer)
     * and deletes its credentials, whatever that answer.
     */
    void logout();

    /** Releases the client for good: no event is delivered afterwards. Credentials stay unless logged out. */
    void close();
}
