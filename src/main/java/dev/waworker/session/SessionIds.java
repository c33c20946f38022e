package dev.waworker.session;

/** The contract's naming of sessions: {@code session_<numberId>_<phoneNumber>}. */
public final class SessionIds {
    private SessionIds() {
    }

    public static String of(long numberId, String phoneNumber) {
        return "session_" + numberId + "_" + phoneNumber;
    }
}
