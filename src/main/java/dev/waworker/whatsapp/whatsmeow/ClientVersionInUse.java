package dev.waworker.whatsapp.whatsmeow;

/**
 * The WhatsApp Web version the whatsmeow clients announce in their handshake, and where it came from.
 *
 * @param source {@code built-in} (whatsmeow's own), {@code fetched} (WhatsApp Web's current one) or
 *               {@code override} ({@code whatsapp.whatsmeow.client-version})
 */
public record ClientVersionInUse(String version, String source) {

    static ClientVersionInUse of(Wabridge.Version version) {
        return new ClientVersionInUse(version.clientVersion(), version.clientVersionSource());
    }

    static ClientVersionInUse of(BridgeEvent.ClientVersion change) {
        return new ClientVersionInUse(change.version(), change.source());
    }
}
