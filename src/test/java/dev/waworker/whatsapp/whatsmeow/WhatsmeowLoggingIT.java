package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.waworker.testing.LogCapture;
import dev.waworker.testing.RefusingPort;
import dev.waworker.whatsapp.ClientSpec;

/** whatsmeow's own log lines, from inside the Go library, reach SLF4J under the logger {@code whatsmeow}. */
class WhatsmeowLoggingIT {

    @TempDir
    Path dataDir;

    private WhatsmeowClientFactory openFactory(String logLevel) throws IOException {
        return WhatsmeowClientFactory.open(new Wabridge(),
                NativeFixture.sqliteStore(dataDir, RefusingPort.webSocketUrl(), logLevel), NativeFixture.WHATSAPP_TTLS);
    }

    @Test
    void whatsmeowLinesArriveUnderTheWhatsmeowLoggerWithTheirNumberAndModule() throws IOException {
        try (LogCapture whatsmeow = LogCapture.named("whatsmeow");
             WhatsmeowClientFactory factory = openFactory("DEBUG")) {
            factory.open(new ClientSpec(6, "+221771234567"), event -> { }).connect();

            // whatsmeow's frame socket announces every dial at DEBUG, naming WhatsApp's address (we redirect below it)
            await().atMost(Duration.ofSeconds(10)).until(() -> whatsmeow.debugMessages()
                    .contains("number 6 [Client/Socket] Dialing wss://web.whatsapp.com/ws/chat"));
        }
    }

    @Test
    void theConfiguredLevelIsAppliedInsideTheLibrary() throws IOException {
        RecordingListener listener = new RecordingListener();
        try (LogCapture whatsmeow = LogCapture.named("whatsmeow");
             WhatsmeowClientFactory factory = openFactory("WARN")) {
            factory.open(new ClientSpec(6, "+221771234567"), listener).connect();

            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.events().isEmpty());
            assertThat(whatsmeow.debugMessages()).isEmpty();
        }
    }
}
