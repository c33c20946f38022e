package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.waworker.testing.LogCapture;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Hostile input through the whole worker and the real broker (whose default {@code max_message_size} is 128 MiB):
 * a 100 MB command, larger than the AMQP client's default inbound limit of 64 MiB, is refused once and the queue
 * flows on; a stream of 10,000 malformed commands delays valid ones by seconds; what a sender writes never reaches
 * a log line or a header with its control characters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class PoisonMessagesIT {

    private static final TestWorker WORKER = TestWorker.unique("poison");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);
    private static final int HUNDRED_MB = 100 * 1000 * 1000;
    private static final int MALFORMED = 10_000;
    /** "Within seconds" on a shared two-core machine; the figure measured is printed. */
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(60);

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WORKER.register(properties);
    }

    @AfterAll
    static void stopWorkerAndCleanUp(ApplicationContext worker) {
        BACKEND.stopWorkerAndCleanUp(worker);
    }

    @BeforeEach
    void emptyTheDeadLetterQueue() {
        BACKEND.admin().purgeQueue(WORKER.deadLetterQueue());
    }

    @Test
    void aHundredMegabyteCommandIsDeadLetteredTruncatedOnceAndTheQueueFlowsOn() {
        byte[] huge = new byte[HUNDRED_MB];
        Arrays.fill(huge, (byte) ' ');
        byte[] start = "{\"action\":\"create\",\"data\":{\"numberId\":301,\"phoneNumber\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, huge, 0, start.length);
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId("huge-1");

        BACKEND.send(WORKER.commandQueue(), huge, properties);
        huge = null;
        BACKEND.sendCommand("create", 302, "+221770000302");

        assertThat(BACKEND.awaitEvent(302, "qr_generated").get("qrCode")).asString().startsWith("data:image/png");
        Message dead = BACKEND.awaitMessage(WORKER.deadLetterQueue());
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("huge-1");
        assertThat(dead.getBody()).hasSize(1024).startsWith(start);
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry("x-error", "command too large: 100000000 bytes, more than the 65536 of "
                        + "worker.amqp.max-command-size (the dead-lettered copy keeps the first 1024 bytes)")
                .containsEntry("x-original-size", 100_000_000L)
                .containsEntry("x-original-queue", WORKER.commandQueue());
        // Settled once: not redelivered in a loop, nothing left on the queue, counted.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                BACKEND.messageCount(WORKER.commandQueue()) == 0
                        && BACKEND.messageCount(WORKER.deadLetterQueue()) == 0
                        && tooLarge() == 1);
        assertThat(BACKEND.eventsFor(301)).isEmpty();
    }

    @Test
    void tenThousandMalformedCommandsDelayAValidOneBySecondsOnly() {
        List<String> malformed = new ArrayList<>(MALFORMED);
        for (int i = 0; i < MALFORMED; i++) {
            malformed.add(switch (i % 4) {
                case 0 -> "not json " + i;
                case 1 -> "[".repeat(2000 + i % 100);
                case 2 -> "{\"action\":\"nope\\r\\n" + i + "\"}";
                default -> "{\"action\":\"create\",\"data\":{\"numberId\":\"" + i + "\"}}";
            });
        }
        BACKEND.sendJsonInOrder(WORKER.commandQueue(), malformed);
        long sent = System.nanoTime();
        BACKEND.sendCommand("create", 303, "+221770000303");

        await().atMost(SERVED_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> BACKEND.eventsFor(303).stream().anyMatch(event -> event.action().equals("qr_generated")));
        System.out.printf("PoisonMessagesIT: valid command served %d ms after %d malformed ones%n",
                (System.nanoTime() - sent) / 1_000_000, MALFORMED);
        await().atMost(SERVED_WITHIN).until(() -> BACKEND.messageCount(WORKER.deadLetterQueue()) == MALFORMED);
        assertThat(invalid("create")).as("tagged with the action that could be read")
                .isEqualTo(MALFORMED / 4.0);
    }

    @Test
    void controlCharactersAndParserInternalsReachNeitherTheLogNorTheHeader() {
        try (LogCapture logs = LogCapture.of(CommandListener.class)) {
            BACKEND.sendJson(WORKER.commandQueue(),
                    "{\"action\":\"x\\r\\n12:00:00.000 INFO forged\\u0000\",\"data\":{\"numberId\":304}}");
            BACKEND.sendJson(WORKER.commandQueue(), "[".repeat(5000));

            // Two dead letters, in whichever order the worker's channels delivered them.
            List<String> errors = Stream.of(BACKEND.awaitMessage(WORKER.deadLetterQueue()),
                            BACKEND.awaitMessage(WORKER.deadLetterQueue()))
                    .map(dead -> (String) dead.getMessageProperties().getHeader("x-error")).toList();

            assertThat(errors).containsExactlyInAnyOrder(
                    "unknown action 'x\\r\\n12:00:00.000 INFO forged\\0'",
                    "body is not JSON: nested too deeply, or a number, name or text too long, for a command");
            assertThat(logs.messagesAboveDebug()).hasSize(2).allSatisfy(line -> assertThat(line)
                    .doesNotContain("\r", "\n", "\0", "StreamReadConstraints", "jackson"));
        }
        assertThat(BACKEND.awaitEvent(304, "error").get("error")).asString()
                .startsWith("Invalid command: unknown action 'x\\r\\n");
    }

    private double tooLarge() {
        return meters.counter("worker.commands", "action", "unknown", "outcome", "too_large").count();
    }

    private double invalid(String action) {
        return meters.counter("worker.commands", "action", action, "outcome", "invalid").count();
    }
}
