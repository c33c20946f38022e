package dev.waworker.session;

/** The {@code code} of an {@code error} event. Those after UNKNOWN_WORKER are ours (additive to the contract). */
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
    PASSKEY_REQUIRED
}
