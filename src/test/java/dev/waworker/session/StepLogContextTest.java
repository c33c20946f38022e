package dev.waworker.session;

import static dev.waworker.session.SessionFixture.PHONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.waworker.testing.LogCapture;

/**
 * The session layer's log lines name their number as structured fields ({@code numberId}, {@code sessionId}),
 * whatever queued the step, and leave nothing of it behind on the thread.
 */
class StepLogContextTest {

    private final SessionFixture fixture = new SessionFixture();

    @Test
    void everyLineOfAStepCarriesItsNumberAndSession() {
        List<Map<String, String>> fields;
        try (LogCapture logs = LogCapture.of(SessionManager.class)) {
            fixture.showingQr(6);
            fields = logs.mdcAboveDebug();
        }

        assertThat(fields).isNotEmpty().allSatisfy(mdc -> assertThat(mdc)
                .containsEntry(SessionManager.NUMBER_ID, "6")
                .containsEntry(SessionManager.SESSION_ID, "session_6_" + PHONE));
        assertThat(MDC.get(SessionManager.NUMBER_ID)).as("nothing left on the thread").isNull();
    }
}
