package dev.waworker.session;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a number's connection to WhatsApp stands. Immutable: each method returns the link as it is afterwards.
 *
 * @param linked              whether the client holds a linked device (stored credentials, or a pairing that
 *                            succeeded)
 * @param connectFailures     connection attempts that failed in a row
 * @param reconnectToken      identifies the pending connection retry; a timer whose token is stale is ignored
 * @param announceNextConnect whether the next {@code Connected} is news for the backend (pairing, restore, an
 *                            explicit reconnect) rather than the client quietly recovering a dropped connection
 * @param jid                 the linked device's WhatsApp id
 * @param linkedPhoneNumber   the number WhatsApp reports for the linked account
 * @param connectedAt         when the current connection came up (what a {@code status} reports as "since")
 */
record Link(boolean linked, int connectFailures, long reconnectToken, boolean announceNextConnect,
        Optional<String> jid, Optional<String> linkedPhoneNumber, Optional<Instant> connectedAt) {

    static Link opening() {
        return new Link(false, 0, 0, true, Optional.empty(), Optional.empty(), Optional.empty());
    }

    Link opened(boolean paired) {
        return new Link(paired, connectFailures, reconnectToken, announceNextConnect, jid, linkedPhoneNumber,
                connectedAt);
    }

    /** A pairing succeeded: the device is linked as {@code linkedJid}. */
    Link paired(String linkedJid) {
        return new Link(true, connectFailures, reconnectToken, announceNextConnect, Optional.of(linkedJid),
                linkedPhoneNumber, connectedAt);
    }

    /** Connected as {@code linkedJid} at {@code now}: failures forgotten, and the connection announced (once). */
    Link connected(String linkedJid, String phoneNumber, Instant now) {
        return new Link(true, 0, reconnectToken, false, Optional.of(linkedJid), Optional.of(phoneNumber),
                Optional.of(now));
    }

    /** A connection handed out refs: it works, so earlier failures no longer count. */
    Link working() {
        return new Link(linked, 0, reconnectToken, announceNextConnect, jid, linkedPhoneNumber, connectedAt);
    }

    /** Another attempt failed; a retry (if any) is scheduled under the next token. */
    Link failedAgain() {
        return new Link(linked, connectFailures + 1, reconnectToken + 1, announceNextConnect, jid,
                linkedPhoneNumber, connectedAt);
    }

    /** An explicit reconnect: failures forgotten, the pending retry stale, the next connection announced. */
    Link reconnecting() {
        return new Link(linked, 0, reconnectToken + 1, true, jid, linkedPhoneNumber, connectedAt);
    }

    /** Makes the pending retry stale. */
    Link staleRetry() {
        return new Link(linked, connectFailures, reconnectToken + 1, announceNextConnect, jid, linkedPhoneNumber,
                connectedAt);
    }
}
