package dev.waworker.session;

/**
 * The retry rule of the contract, the same for a QR and a pairing code: when the shown one expires unused and
 * {@code attempt < maxQrRetries}, one more attempt is spent and the next one shown; at {@code maxQrRetries} the
 * validation gives up. One the backend never saw (the broker had not confirmed its event when it expired, e.g.
 * the broker was away) spends nothing: it is replaced silently. With a healthy broker the confirm comes within
 * milliseconds and the rule is exactly the seed's.
 */
final class QrRetryPolicy {

    private QrRetryPolicy() {
    }

    /** What becomes of an expired QR (or code). */
    sealed interface Verdict {
        /** Nobody saw it: show the next one, spending nothing. */
        record ReplaceUnseen() implements Verdict {
        }

        /** Spend attempt {@code attempt} (of {@code max}) on the next one. */
        record Regenerate(int attempt, int max) implements Verdict {
        }

        /** The budget of {@code max} is spent. */
        record GiveUp(int max) implements Verdict {
        }
    }

    static Verdict onExpiry(Pairing pairing, int maxQrRetries) {
        if (!pairing.delivered()) {
            return new Verdict.ReplaceUnseen();
        }
        if (pairing.attempt() < maxQrRetries) {
            return new Verdict.Regenerate(pairing.attempt() + 1, maxQrRetries);
        }
        return new Verdict.GiveUp(maxQrRetries);
    }
}
