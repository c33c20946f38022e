package dev.waworker.whatsapp.simulated;

/** What happened when a simulated phone entered a pairing code for a number. */
public sealed interface CodeEntryOutcome permits PairingOutcome, CodeEntryOutcome.NoLiveCode,
        CodeEntryOutcome.WrongCode {

    /** No connection of the number has a pairing code that is still live: nothing was entered. */
    record NoLiveCode() implements CodeEntryOutcome {
    }

    /** A code is live, but not the one entered: nothing was linked, and the live code stays usable. */
    record WrongCode() implements CodeEntryOutcome {
    }
}
