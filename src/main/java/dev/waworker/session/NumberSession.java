package dev.waworker.session;

import java.time.Instant;
import java.util.Optional;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.WhatsAppClient;

/**
 * The live session of one number. Only its number's lane reads or writes it (the state field is also read by
 * the metrics gauges, hence volatile), so it needs no locking.
 */
final class NumberSession {

    /** The QR currently on the user's screen, kept to re-announce it on an idempotent {@code create}. */
    record ShownQr(String dataUrl, Instant expiresAt, int qrIndex) {
    }

    final long numberId;
    final String phoneNumber;
    final String sessionId;

    private volatile SessionState state;
    WhatsAppClient client;
    /** Bumped whenever the client is replaced, so that events of a replaced client are recognised and dropped. */
    int clientGeneration;
    Optional<String> correlationId;

    /** Regenerations used by the current validation (the seed's "attempt"). */
    int attempt;
    /** QRs shown by the current validation. */
    int qrIndex;
    /** When the current validation started, or null when none is running (e.g. a restored session). */
    Instant validationStartedAt;

    /** The pairing refs of the current connection, or null when it has none (left to get, or dead). */
    ClientEvent.QrCodes refs;
    /** Position in {@link #refs} of the next ref to show. */
    int nextRef;
    ShownQr shownQr;
    /** Identifies the pending QR expiry; a timer whose token is stale fires for a QR that was replaced. */
    long qrToken;
    Timers.Cancellable qrExpiry;

    /** Connection attempts that failed in a row. */
    int connectFailures;
    /** Identifies the pending connection retry, like {@link #qrToken}. */
    long reconnectToken;
    Timers.Cancellable reconnectTimer;

    /**
     * Whether the next {@code Connected} is news for the backend (pairing, restore, an explicit reconnect) rather
     * than the client quietly recovering from a dropped connection.
     */
    boolean announceNextConnect = true;
    String jid;
    /** The number WhatsApp reports for the linked account. */
    String linkedPhoneNumber;

    NumberSession(SessionCommand command, SessionState initialState) {
        this.numberId = command.numberId();
        this.phoneNumber = command.phoneNumber();
        this.sessionId = command.sessionId();
        this.correlationId = command.correlationId();
        this.state = initialState;
    }

    SessionState state() {
        return state;
    }

    void state(SessionState newState) {
        this.state = newState;
    }

    /** Starts a fresh validation: retry counter, QR numbering and refs back to zero. */
    void resetValidation(Instant now) {
        attempt = 0;
        qrIndex = 0;
        validationStartedAt = now;
        forgetRefs();
    }

    void forgetRefs() {
        refs = null;
        nextRef = 0;
        shownQr = null;
    }

    boolean hasRefLeft() {
        return refs != null && nextRef < refs.codes().size();
    }

    /** Stops both timers; their callbacks, if already queued, are recognised as stale. */
    void cancelTimers() {
        qrToken++;
        reconnectToken++;
        if (qrExpiry != null) {
            qrExpiry.cancel();
            qrExpiry = null;
        }
        if (reconnectTimer != null) {
            reconnectTimer.cancel();
            reconnectTimer = null;
        }
    }

    SessionView view() {
        return new SessionView(numberId, sessionId, state, attempt, qrIndex);
    }
}
