package dev.waworker.session;

/**
 * The words of a pairing, one per {@link PairingMethod}: what the user is shown and what the phone did with it.
 * Everything else (the retry rule, the expiry timers, the events) is the same for both methods.
 */
enum PairingDisplay {

    QR("QR code", "QR Code", "scanned the QR code"),
    CODE("pairing code", "Pairing code", "entered the pairing code");

    private final String noun;
    private final String title;
    private final String usedBy;

    PairingDisplay(String noun, String title, String usedBy) {
        this.noun = noun;
        this.title = title;
        this.usedBy = usedBy;
    }

    static PairingDisplay of(PairingMethod method) {
        return switch (method) {
            case QR -> QR;
            case CODE -> CODE;
        };
    }

    static PairingDisplay showing(Shown shown) {
        return switch (shown) {
            case Shown.Qr ignored -> QR;
            case Shown.Code ignored -> CODE;
        };
    }

    /** What is shown, as a sentence names it: "QR code", "pairing code". */
    String noun() {
        return noun;
    }

    /** What is shown, as the seed's log lines start with it ("QR Code generated for ..."). */
    String title() {
        return title;
    }

    /** What the phone's account did with it, for the phone-mismatch message: "scanned the QR code". */
    String usedBy() {
        return usedBy;
    }

    String capitalizedNoun() {
        return Character.toUpperCase(noun.charAt(0)) + noun.substring(1);
    }
}
