package dev.waworker.whatsapp.simulated;

import dev.waworker.whatsapp.StoredDevice;

/** What happened when a simulated phone scanned the QR of a number. */
public sealed interface ScanOutcome permits PairingOutcome, ScanOutcome.NoLiveQr {

    /** The device is linked to the account and stored. */
    record Linked(StoredDevice device) implements PairingOutcome {
    }

    /** No connection of the number shows a QR that is still live: nothing was scanned. */
    record NoLiveQr() implements ScanOutcome {
    }

    /**
     * The linking account is not the number the client was opened for: refused, nothing linked, and the
     * connection was dropped, as whatsmeow does when its pre-pair check rejects a pairing.
     */
    record PhoneMismatch(String requestedPhoneNumber, String scannedPhoneNumber) implements PairingOutcome {
    }
}
