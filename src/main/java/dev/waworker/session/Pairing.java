package dev.waworker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.PairingCode;

/**
 * Where a number's pairing stands: the validation's budget (the seed's {@code attempt}, the QRs shown) and what the
 * user is shown now. Immutable: each method returns the pairing as it is afterwards.
 *
 * @param method       how the current (or next) pairing links the device
 * @param attempt      regenerations used by the current validation
 * @param qrIndex      QRs shown by the current validation
 * @param startedAt    when the current validation started; empty when none is running (e.g. a restored device)
 * @param refs         the pairing refs of the current connection; empty when it has none (left to get, or dead)
 * @param nextRef      position in {@code refs} of the next ref to show
 * @param codeRequested whether the pairing code of the current connection was asked for: a connection gives one
 * @param shown        the QR or pairing code on the user's screen
 * @param shownToken   identifies the pending expiry of {@code shown}; a timer whose token is stale fires for one
 *                     replaced
 * @param shownEventId the event that announced {@code shown}, once the runner named it
 * @param delivered    whether the broker confirmed that event: only then has the backend seen it
 */
record Pairing(PairingMethod method, int attempt, int qrIndex, Optional<Instant> startedAt,
        Optional<ClientEvent.QrCodes> refs, int nextRef, boolean codeRequested, Optional<Shown> shown,
        long shownToken, Optional<String> shownEventId, boolean delivered) {

    /**
     * The pairing of a client about to open: a validation that goes on keeps the budget of {@code resumed} and the
     * start the user has been waiting since.
     */
    static Pairing opening(PairingMethod method, Optional<Instant> waitingSince, Optional<ValidationRecord> resumed) {
        return new Pairing(method, resumed.map(ValidationRecord::attempt).orElse(0),
                resumed.map(ValidationRecord::qrIndex).orElse(0), waitingSince, Optional.empty(), 0, false,
                Optional.empty(), 0, Optional.empty(), false);
    }

    PairingDisplay display() {
        return PairingDisplay.of(method);
    }

    /** The client opened without a linked device: the validation runs from now unless it started earlier. */
    Pairing validating(Instant now) {
        return new Pairing(method, attempt, qrIndex, startedAt.or(() -> Optional.of(now)), Optional.empty(), 0,
                false, Optional.empty(), shownToken, Optional.empty(), false);
    }

    /** A fresh validation (a reconnect of an unpaired session): budget, numbering and refs back to zero. */
    Pairing restarted(PairingMethod newMethod, Instant now) {
        return new Pairing(newMethod, 0, 0, Optional.of(now), Optional.empty(), 0, false, Optional.empty(),
                shownToken, Optional.empty(), false);
    }

    /** The connection handed out a batch of refs: they are shown from the first. */
    Pairing withRefs(ClientEvent.QrCodes batch) {
        return new Pairing(method, attempt, qrIndex, startedAt, Optional.of(batch), 0, false, shown, shownToken,
                shownEventId, delivered);
    }

    /** Whether the current connection has something left to show: a ref not shown yet, or its one code. */
    boolean offersMore() {
        return switch (method) {
            case QR -> refs.isPresent() && nextRef < refs.get().codes().size();
            case CODE -> refs.isPresent() && !codeRequested;
        };
    }

    /** The pairing connection died: its refs with it (what is shown stays until it expires). */
    Pairing connectionLost() {
        return new Pairing(method, attempt, qrIndex, startedAt, Optional.empty(), nextRef, codeRequested, shown,
                shownToken, shownEventId, delivered);
    }

    /** Nothing is shown and the connection's refs are gone (it is replaced, or the pairing is over). */
    Pairing withoutRefs() {
        return new Pairing(method, attempt, qrIndex, startedAt, Optional.empty(), 0, false, Optional.empty(),
                shownToken, shownEventId, delivered);
    }

    /** Shows the connection's next ref as QR number {@code qrIndex + 1}, for the ref's lifetime. */
    Pairing showingNextQr(Instant now) {
        ClientEvent.QrCodes batch = refs.orElseThrow();
        Shown.Qr qr = new Shown.Qr(batch.codes().get(nextRef), now.plus(batch.ttlOf(nextRef)), qrIndex + 1);
        return new Pairing(method, attempt, qrIndex + 1, startedAt, refs, nextRef + 1, codeRequested,
                Optional.of(qr), shownToken + 1, Optional.empty(), false);
    }

    /** The pairing code of this connection was asked for. */
    Pairing askingForCode() {
        return new Pairing(method, attempt, qrIndex, startedAt, refs, nextRef, true, shown, shownToken,
                shownEventId, delivered);
    }

    /** Shows the code WhatsApp answered with, from {@code now} (its answer) for its lifetime. */
    Pairing showingCode(PairingCode code, Instant now) {
        Shown.Code shownCode = new Shown.Code(code.code(), now.plus(code.ttl()));
        return new Pairing(method, attempt, qrIndex, startedAt, refs, nextRef, codeRequested,
                Optional.of(shownCode), shownToken + 1, Optional.empty(), false);
    }

    /** The event {@code eventId} announces what is shown under {@code token}, if that is still shown. */
    Pairing announcedAs(long token, String eventId) {
        return token != shownToken ? this : new Pairing(method, attempt, qrIndex, startedAt, refs, nextRef,
                codeRequested, shown, shownToken, Optional.of(eventId), delivered);
    }

    /** Whether {@code eventId} is the event announcing what is shown now. */
    boolean announcedBy(String eventId) {
        return shown.isPresent() && shownEventId.filter(eventId::equals).isPresent();
    }

    Pairing markDelivered() {
        return new Pairing(method, attempt, qrIndex, startedAt, refs, nextRef, codeRequested, shown, shownToken,
                shownEventId, true);
    }

    /** What was shown under {@code token} ran out: nothing is shown any more. */
    Pairing expired() {
        return new Pairing(method, attempt, qrIndex, startedAt, refs, nextRef, codeRequested, Optional.empty(),
                shownToken, shownEventId, delivered);
    }

    /** The counter at {@code spent}: one more attempt spent, or back to zero once connected. */
    Pairing withAttempt(int spent) {
        return new Pairing(method, spent, qrIndex, startedAt, refs, nextRef, codeRequested, shown, shownToken,
                shownEventId, delivered);
    }

    /**
     * How long after its due instant the expiry of {@code token} is handled at {@code now}: empty when the token is
     * stale (what it was for was replaced) or nothing is shown. Never negative: a timer that fires a little early
     * (clock adjustments) counts as on time.
     */
    Optional<Duration> expiryLateness(long token, Instant now) {
        if (token != shownToken) {
            return Optional.empty();
        }
        return shown.map(expiring -> Duration.between(expiring.expiresAt(), now))
                .map(late -> late.isNegative() ? Duration.ZERO : late);
    }

    /** Makes the pending expiry stale: if its firing is already queued, it is recognised and ignored. */
    Pairing staleExpiry() {
        return new Pairing(method, attempt, qrIndex, startedAt, refs, nextRef, codeRequested, shown, shownToken + 1,
                shownEventId, delivered);
    }

    Pairing finished() {
        return new Pairing(method, attempt, qrIndex, Optional.empty(), refs, nextRef, codeRequested, shown,
                shownToken, shownEventId, delivered);
    }
}
