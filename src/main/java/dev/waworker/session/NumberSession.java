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

    final long numberId;
    final String phoneNumber;
    final String sessionId;

    private volatile SessionState state;
    WhatsAppClient client;
    /** Bumped whenever the client is replaced, so that events of a replaced client are recognised and dropped. */
    int clientGeneration;
    Optional<String> correlationId;
    /** How the current (or next) pairing links the device. */
    PairingMethod pairingMethod;

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
    /** Whether the pairing code of the current connection was asked for: a connection gives one. */
    boolean codeRequested;
    /** The QR or pairing code on the user's screen, or null when none is. */
    Shown shown;
    /** Identifies the pending expiry of {@link #shown}; a timer whose token is stale fires for one replaced. */
    long shownToken;
    Timers.Cancellable shownExpiry;

    /** Connection attempts that failed in a row. */
    int connectFailures;
    /** Identifies the pending connection retry, like {@link #shownToken}. */
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
        this.pairingMethod = command.pairingMethod();
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

    /** A new pairing connection handed out its refs: nothing of it was shown yet. */
    void useConnection(ClientEvent.QrCodes connectionRefs) {
        refs = connectionRefs;
        nextRef = 0;
        codeRequested = false;
    }

    void forgetRefs() {
        refs = null;
        nextRef = 0;
        codeRequested = false;
        shown = null;
    }

    boolean hasRefLeft() {
        return refs != null && nextRef < refs.codes().size();
    }

    /** Stops both timers; their callbacks, if already queued, are recognised as stale. */
    void cancelTimers() {
        shownToken++;
        reconnectToken++;
        if (shownExpiry != null) {
            shownExpiry.cancel();
            shownExpiry = null;
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
