package dev.waworker.whatsapp.whatsmeow;

import dev.waworker.whatsapp.ClientEvent;

/** One event of the bridge's queue, sorted by what the event pump does with it. */
sealed interface BridgeEvent {

    /** The client the event belongs to; 0 for the store's own events. */
    long handle();

    /** A change of the client's state: delivered to its listener. */
    record ForClient(long handle, ClientEvent event) implements BridgeEvent {
    }

    /**
     * The WhatsApp Web version the clients announce changed (learnt from web.whatsapp.com after a start or a 405).
     *
     * @param source {@code built-in}, {@code fetched} or {@code override}
     */
    record ClientVersion(String version, String source, String previous) implements BridgeEvent {
        @Override
        public long handle() {
            return 0;
        }
    }

    /** One of whatsmeow's log lines: goes to the {@code whatsmeow} logger. */
    record Log(long handle, long numberId, String level, String module, String message) implements BridgeEvent {
    }

    /**
     * Something the session layer does not act on (whatsmeow event kinds we do not map, unknown bridge types):
     * logged, never delivered.
     *
     * @param important whether an operator should see it at INFO rather than DEBUG
     */
    record Notice(long handle, long numberId, String description, boolean important) implements BridgeEvent {
    }
}
