package dev.waworker.whatsapp;

/**
 * A linked device whose credentials are kept in the client's store, so that the session survives a restart.
 *
 * @param jid the WhatsApp JID of the linked device (e.g. {@code 221771234567:12@s.whatsapp.net})
 */
public record StoredDevice(long numberId, String phoneNumber, String jid) {
}
