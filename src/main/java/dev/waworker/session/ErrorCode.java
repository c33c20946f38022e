package dev.waworker.session;

/** The {@code code} of an {@code error} event. From {@code CONNECT_FAILED} on they are ours (additive). */
public enum ErrorCode {
    QR_RETRIES_EXHAUSTED,
    PHONE_MISMATCH,
    INVALID_COMMAND,
    UNKNOWN_WORKER,
    CONNECT_FAILED,
    CLIENT_OUTDATED,
    SCANNED_WITHOUT_MULTIDEVICE,
    PAIR_FAILED,
    TEMPORARY_BAN,
    STREAM_REPLACED,
    PASSKEY_REQUIRED,
    /** A step of the worker failed unexpectedly; the validation ended, a new one may be requested. */
    INTERNAL_ERROR,
    /** After a restart, the linked device of a connected number was no longer in the device store. */
    SESSION_LOST
}
