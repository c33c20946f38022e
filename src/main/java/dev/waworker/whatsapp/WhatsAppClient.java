package dev.waworker.whatsapp;

/**
 * One WhatsApp linked-device client for one number. Every method returns quickly: outcomes (QR codes, pairing,
 * connection, failures) arrive later as {@link ClientEvent}s through the listener given to the factory.
 */
public interface WhatsAppClient {

    /** Whether the store holds credentials of a linked device for this number (no QR needed to connect). */
    boolean isPaired();

    /** Opens a connection. An unpaired client then reports {@link ClientEvent.QrCodes}; a paired one connects. */
    void connect();

    /** Drops the live connection and keeps the credentials. */
    void disconnect();

    /** Unlinks the device from the account (when it is linked) and deletes its credentials. */
    void logout();

    /** Releases the client for good: no event is delivered afterwards. Credentials stay unless logged out. */
    void close();
}
