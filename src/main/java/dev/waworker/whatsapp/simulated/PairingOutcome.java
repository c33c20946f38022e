package dev.waworker.whatsapp.simulated;

/**
 * What a phone's attempt to link a number ended in, once it had something live to link with: a scanned QR and an
 * entered code end the same ways.
 */
public sealed interface PairingOutcome extends ScanOutcome, CodeEntryOutcome
        permits ScanOutcome.Linked, ScanOutcome.PhoneMismatch {
}
