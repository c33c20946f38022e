package dev.waworker.whatsapp.whatsmeow;

/** The native bridge answered {@code {"ok":false,...}}: the operation did not happen. */
public final class BridgeException extends RuntimeException {

    public BridgeException(String operation, String error) {
        super(operation + " failed: " + error);
    }
}
