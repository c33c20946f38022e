package dev.waworker.whatsapp.whatsmeow;

import java.util.Objects;

/**
 * The native bridge answered {@code {"ok":false,"code":...,"error":...}}: the operation did not happen. Callers
 * decide by {@link #code()}; the message is for people (logs, the backend's error text).
 */
public final class BridgeException extends RuntimeException {

    private final BridgeErrorCode code;

    public BridgeException(String operation, BridgeErrorCode code, String error) {
        super(operation + " failed: " + error);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** What kind of failure it was. */
    public BridgeErrorCode code() {
        return code;
    }
}
