package dev.waworker.session;

/**
 * A read-only snapshot of one number's session, for operators and tests.
 *
 * @param attempt QR regenerations used by the current validation
 * @param qrIndex QRs shown by the current validation
 */
public record SessionView(long numberId, String sessionId, SessionState state, int attempt, int qrIndex) {
}
