package dev.waworker.whatsapp;

import java.util.List;

/**
 * Opens clients against one WhatsApp implementation (the real network through whatsmeow, or the simulation)
 * and owns its device store.
 */
public interface WhatsAppClientFactory {

    /**
     * Creates a client for the number, reusing the stored credentials when the number has a linked device.
     * The client is not connected yet.
     */
    WhatsAppClient open(ClientSpec spec, ClientEventListener listener);

    /** The linked devices kept in the store, so that their sessions can be reconnected after a restart. */
    List<StoredDevice> storedDevices();

    /**
     * Deletes the stored credentials of a number that has no open client.
     *
     * @return whether there was anything to delete
     */
    boolean forget(long numberId);
}
