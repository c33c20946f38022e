package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;

import dev.waworker.session.SessionCommandHandler;
import dev.waworker.testing.LogCapture;

/**
 * Commands the worker cannot carry out, and dead letters it cannot write: whatever fails, each message is settled
 * (at most one redelivery) and the command queue does not spin. The session layer is replaced by one that fails,
 * the only way to make carrying out a valid command fail on purpose.
 */
@WorkerIntegrationTest
@DirtiesContext
class DeadLetteringIT extends WorkerTestBase {

    /** Fails number 13's commands in its stage, throws on number 14's, carries out nothing else. */
    @TestConfiguration
    static class FailingSessionLayer {
        @Bean
        @Primary
        SessionCommandHandler failingHandler() {
            return command -> switch ((int) command.numberId()) {
                case 13 -> CompletableFuture.failedFuture(new IllegalStateException("lane exploded"));
                case 14 -> throw new IllegalStateException("refused on the spot");
                default -> new CompletableFuture<>();
            };
        }
    }

    @Test
    void deadLettersACommandWhoseProcessingFailed() {
        double failedBefore = count("create", "failed");

        String messageId = backend.sendCommand("create", 13, "+221771234567");

        Message dead = backend.awaitMessage(worker.deadLetterQueue());
        assertThat(dead.getMessageProperties().getMessageId()).isEqualTo(messageId);
        assertThat(dead.getMessageProperties().getHeaders())
                .containsEntry("x-error", "processing failed: lane exploded")
                .containsEntry("x-original-queue", worker.commandQueue());
        assertSettledOnce("create", "failed", failedBefore);
    }

    @Test
    void deadLettersACommandTheSessionLayerRefusedOnTheSpot() {
        double failedBefore = count("close", "failed");

        backend.sendCommand("close", 14, "+221771234567");

        assertThat(backend.awaitMessage(worker.deadLetterQueue()).getMessageProperties().getHeaders())
                .containsEntry("x-error", "processing failed: refused on the spot");
        assertSettledOnce("close", "failed", failedBefore);
    }

    @Test
    void handsABadCommandBackOnceThenDropsItWhenTheDeadLetterQueueIsGone() {
        double invalidBefore = count("unknown", "invalid");
        backend.admin().deleteQueue(worker.deadLetterQueue());
        try (LogCapture logs = LogCapture.of(CommandListener.class)) {
            backend.sendJson(worker.commandQueue(), "{\"action\":\"explode\"}");

            // First delivery: no dead-letter queue, handed back. Second (redelivered): dropped with an ERROR.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() ->
                    count("unknown", "invalid") == invalidBefore + 2 && backend.messageCount(worker.commandQueue()) == 0);
            assertThat(logs.messagesAboveDebug()).anySatisfy(line -> assertThat(line)
                    .startsWith("Could not copy a refused command to " + worker.deadLetterQueue()));
            assertThat(logs.messagesAboveDebug()).anySatisfy(line -> assertThat(line)
                    .startsWith("Dropping a command from " + worker.commandQueue())
                    .endsWith("It was refused because: unknown action 'explode'"));
        } finally {
            backend.admin().declareQueue(new Queue(worker.deadLetterQueue(), true, false, false));
        }
    }

    private void assertSettledOnce(String action, String outcome, double before) {
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                count(action, outcome) == before + 1 && backend.messageCount(worker.commandQueue()) == 0);
    }

    private double count(String action, String outcome) {
        return meters.counter("worker.commands", "action", action, "outcome", outcome).count();
    }
}
