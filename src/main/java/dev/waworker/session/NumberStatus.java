package dev.waworker.session;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the backend is told of a number when it asks ({@code status}): where the number stands and what that state
 * carries. The live owner builds it from the number's session; the database keeps the last one of every number
 * (the {@code number_status} table), so that a number without a live session, and a resync of all numbers, can be
 * answered by any worker. Never holds a QR payload or a pairing code: those are credentials and live only in the
 * owner's memory (see {@link Fact.Report}).
 *
 * @param sessionId       the session the state is of ({@code session_<numberId>_<phoneNumber>})
 * @param since           for {@code pairing} when the validation started, for {@code connected} when the
 *                        connection came up, for {@code disconnected}/{@code failed} when the session ended
 * @param pairingMethod   for {@code pairing}: how the device is being linked
 * @param attempt         for {@code pairing}: regenerations used by the validation
 * @param qrIndex         for {@code pairing}: QRs (or codes) shown by the validation
 * @param expiresAt       for {@code pairing}: when the QR (or code) shown now expires; empty when none is shown
 * @param jid             for {@code connected} (and {@code connecting}): the linked device's WhatsApp id
 * @param linkedPhoneNumber for {@code connected}: the number WhatsApp reports for the linked account
 * @param code            for {@code failed}: the error code the session ended with
 * @param reason          for {@code disconnected}: its reason; for {@code failed}: the error's text
 */
public record NumberStatus(long numberId, String sessionId, State state, Optional<Instant> since,
        Optional<PairingMethod> pairingMethod, int attempt, int qrIndex, Optional<Instant> expiresAt,
        Optional<String> jid, Optional<String> linkedPhoneNumber, Optional<ErrorCode> code, Optional<String> reason) {

    /** The {@code state} of a {@code status} event. */
    public enum State {
        /** No worker of the fleet knows the number. */
        UNKNOWN,
        /** A validation runs: a QR (or code) is shown, about to be, or was just used (the link is completing). */
        PAIRING,
        /** A linked device is (re)connecting with its stored credentials. */
        CONNECTING,
        CONNECTED,
        /** The linked device is gone: logged out from the phone, closed by the backend, or replaced. */
        DISCONNECTED,
        /** The last session of the number ended with an error. */
        FAILED;

        /** The contract's spelling: {@code pairing}, {@code connected}, ... */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the number's last session ended (disconnected or failed): none of it runs any more. */
    public boolean ended() {
        return state == State.DISCONNECTED || state == State.FAILED;
    }

    public NumberStatus {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(state, "state");
    }

    /** A number nobody knows; {@code phoneNumber} as the request gave it (empty when it gave none). */
    static NumberStatus unknown(long numberId, String phoneNumber) {
        return new NumberStatus(numberId, SessionIds.of(numberId, phoneNumber), State.UNKNOWN, Optional.empty(),
                Optional.empty(), 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Where a live session stands. */
    static NumberStatus of(NumberSession session) {
        Pairing pairing = session.pairing();
        Link link = session.link();
        return switch (session.state()) {
            case PAIRING, LINKING -> new NumberStatus(session.numberId(), session.sessionId(), State.PAIRING,
                    pairing.startedAt(), Optional.of(pairing.method()), pairing.attempt(), pairing.qrIndex(),
                    pairing.shown().map(Shown::expiresAt), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
            case CONNECTING -> new NumberStatus(session.numberId(), session.sessionId(), State.CONNECTING,
                    Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), link.jid(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            case CONNECTED -> new NumberStatus(session.numberId(), session.sessionId(), State.CONNECTED,
                    link.connectedAt(), Optional.empty(), 0, 0, Optional.empty(), link.jid(),
                    link.linkedPhoneNumber(), Optional.empty(), Optional.empty());
        };
    }

    /**
     * How a session ended, from the event that ended it ({@code disconnected} or {@code error}); empty for any
     * other event.
     */
    static Optional<NumberStatus> endedBy(WorkerEvent event) {
        EventHeader header = event.header();
        return switch (event) {
            case WorkerEvent.Disconnected disconnected -> Optional.of(ended(header, State.DISCONNECTED,
                    Optional.empty(), disconnected.reason()));
            case WorkerEvent.Error error -> Optional.of(ended(header, State.FAILED,
                    Optional.of(error.code()), error.error()));
            default -> Optional.empty();
        };
    }

    private static NumberStatus ended(EventHeader header, State state, Optional<ErrorCode> code,
            String reason) {
        return new NumberStatus(header.numberId(), header.sessionId(), state, Optional.of(header.timestamp()),
                Optional.empty(), 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), code,
                Optional.of(reason));
    }
}
