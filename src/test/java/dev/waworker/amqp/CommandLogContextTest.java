package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class CommandLogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void putsTheNumbersFieldsForTheScopeAndRestoresWhatWasThere() {
        MDC.put("other", "kept");

        try (CommandLogContext.Scope ignored =
                     CommandLogContext.of("worker-1", OptionalLong.of(6), "+221771234567").open()) {
            assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("other", "kept", "workerId", "worker-1",
                    "numberId", "6", "sessionId", "session_6_+221771234567"));
        }

        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("other", "kept"));
    }

    @Test
    void withoutANumberOnlyTheWorkerAndAnEscapedSessionIdWhenThePhoneIsHostile() {
        try (CommandLogContext.Scope ignored = CommandLogContext.of("worker-1").open()) {
            assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("workerId", "worker-1"));
        }
        try (CommandLogContext.Scope ignored = CommandLogContext.of("worker-1", OptionalLong.of(7), "1\n2").open()) {
            assertThat(MDC.get("sessionId")).isEqualTo("session_7_1\\n2");
        }
    }

    @Test
    void carriesTheFieldsToACallbackOnAnotherThread() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        var executor = Executors.newSingleThreadExecutor();
        try (CommandLogContext.Scope ignored = CommandLogContext.of("worker-1", OptionalLong.of(6), "+1234567890")
                .open()) {
            CompletableFuture.completedFuture("done")
                    .whenCompleteAsync(CommandLogContext.current().around((value, failure) ->
                            seen.set(MDC.get("numberId") + " " + MDC.get("sessionId"))), executor)
                    .get();
        } finally {
            executor.shutdown();
        }

        assertThat(seen).hasValue("6 session_6_+1234567890");
    }
}
