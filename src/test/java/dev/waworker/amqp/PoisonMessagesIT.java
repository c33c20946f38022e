package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

import dev.waworker.testing.LogCapture;

/**
 * Hostile input through the whole worker and the real broker (whose default {@code max_message_size} is 128 MiB):
 * a 100 MB command, larger than the AMQP client's default inbound limit of 64 MiB, is refused once and the queue
 * flows on; a stream of 10,000 malformed commands delays valid ones by seconds; what a sender writes never reaches
 * a log line or a header with its control characters.
 */
@WorkerIntegrationTest
class PoisonMessagesIT extends WorkerTestBase {

    private static final int HUNDRED_MB = 100 * 1000 * 1000;
    private static final int MALFORMED = 10_000;
    /** "Within seconds" on a shared two-core machine; the figure measured is printed. */
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(60);

    @Test
    void aHundredMegabyteCommandIsDeadLetteredTruncatedOnceAndTheQueueFlowsOn() {
        double tooLargeBefore = tooLarge();
        byte[] huge = new byte[HUNDRED_MB];
        Arrays.fill(huge, (byte) ' ');
        byte[] start = "{\"action\":\"create\",\"data\":{\"numberId\":301,\"phoneNumber\":\"".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, huge, 0, start.length);
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setMessageId("huge-1");

        backend.send(worker.commandQueue(), huge, properties);
        huge = null;
        backend.sendCommand("create", 302, "+221770000302");

        assertThat(backend.awaitEvent(302, "qr_generated").get("qrCode")).asString().startsWith("data:image/png");
        Message dead = backend.awaitMessage(worker.deadLetterQueue());
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("huge-1");
        assertThat(dead.getBody()).hasSize(1024).startsWith(start);
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry("x-error", "command too large: 100000000 bytes, more than the 65536 of "
                        + "worker.amqp.max-command-size (the dead-lettered copy keeps the first 1024 bytes)")
                .containsEntry("x-original-size", 100_000_000L)
                .containsEntry("x-original-queue", worker.commandQueue());
        // Settled once: not redelivered in a loop, nothing left on the queue, counted.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                backend.messageCount(worker.commandQueue()) == 0
                        && backend.messageCount(worker.deadLetterQueue()) == 0
                        && tooLarge() == tooLargeBefore + 1);
        assertThat(backend.eventsFor(301)).isEmpty();
    }

    @Test
    void tenThousandMalformedCommandsDelayAValidOneBySecondsOnly() {
        double invalidBefore = invalid("create");
        List<String> malformed = new ArrayList<>(MALFORMED);
        for (int i = 0; i < MALFORMED; i++) {
            malformed.add(switch (i % 4) {
                case 0 -> "not json " + i;
                case 1 -> "[".repeat(2000 + i % 100);
                case 2 -> "{\"action\":\"nope\\r\\n" + i + "\"}";
                default -> "{\"action\":\"create\",\"data\":{\"numberId\":\"n" + i + "\"}}";
            });
        }
        backend.sendJsonInOrder(worker.commandQueue(), malformed);
        long sent = System.nanoTime();
        backend.sendCommand("create", 303, "+221770000303");

        await().atMost(SERVED_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> backend.eventsFor(303).stream().anyMatch(event -> event.action().equals("qr_generated")));
        System.out.printf("PoisonMessagesIT: valid command served %d ms after %d malformed ones%n",
                (System.nanoTime() - sent) / 1_000_000, MALFORMED);
        await().atMost(SERVED_WITHIN).until(() -> backend.messageCount(worker.deadLetterQueue()) == MALFORMED);
        assertThat(invalid("create")).as("tagged with the action that could be read")
                .isEqualTo(invalidBefore + MALFORMED / 4.0);
    }

    @Test
    void controlCharactersAndParserInternalsReachNeitherTheLogNorTheHeader() {
        try (LogCapture logs = LogCapture.of(CommandListener.class)) {
            backend.sendJson(worker.commandQueue(),
                    "{\"action\":\"x\\r\\n12:00:00.000 INFO forged\\u0000\",\"data\":{\"numberId\":304}}");
            backend.sendJson(worker.commandQueue(), "[".repeat(5000));

            // Two dead letters, in whichever order the worker's channels delivered them.
            List<String> errors = Stream.of(backend.awaitMessage(worker.deadLetterQueue()),
                            backend.awaitMessage(worker.deadLetterQueue()))
                    .map(dead -> (String) dead.getMessageProperties().getHeader("x-error")).toList();

            assertThat(errors).containsExactlyInAnyOrder(
                    "unknown action 'x\\r\\n12:00:00.000 INFO forged\\0'",
                    "body is not JSON: nested too deeply, or a number, name or text too long, for a command");
            assertThat(logs.messagesAboveDebug()).hasSize(2).allSatisfy(line -> assertThat(line)
                    .doesNotContain("\r", "\n", "\0", "StreamReadConstraints", "jackson"));
        }
        assertThat(backend.awaitEvent(304, "error").get("error")).asString()
                .startsWith("Invalid command: unknown action 'x\\r\\n");
    }

    private double tooLarge() {
        return meters.counter("worker.commands", "action", "unknown", "outcome", "too_large").count();
    }

    private double invalid(String action) {
        return meters.counter("worker.commands", "action", action, "outcome", "invalid").count();
    }
}
