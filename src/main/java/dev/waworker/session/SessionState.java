package dev.waworker.session;

/** Where a number's live session stands. A number with no live session has no state at all. */
public enum SessionState {
    /** Showing (or waiting for) pairing QRs. */
    PAIRING,
    /** A phone scanned a QR; waiting for the linked device's first connection. */
    LINKING,
    /** A linked device is (re)connecting with its stored credentials. */
    CONNECTING,
    /** Linked and connected. */
    CONNECTED
}
