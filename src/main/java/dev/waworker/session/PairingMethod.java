package dev.waworker.session;

/** How the user links the device: the command's {@code data.pairingMethod}. */
public enum PairingMethod {
    /** Scan a QR code (the contract's way, and the default). */
    QR,
    /** Type an 8-character code on the phone of the number (ours, additive). */
    CODE
}
