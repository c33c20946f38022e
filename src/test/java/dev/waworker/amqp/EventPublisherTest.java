package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;

import dev.waworker.session.EventHeader;
import dev.waworker.session.WorkerEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EventPublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** A broker stand-in whose confirms the test gives, one by one. */
    static final class ScriptedSender implements QueueSender {
        record Sent(String queue, Message message, CompletableFuture<Void> confirm) {
        }

        final List<Sent> sent = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> send(String queue, Message message) {
            CompletableFuture<Void> confirm = new CompletableFuture<>();
            sent.add(new Sent(queue, message, confirm));
            return confirm;
        }

        Sent awaitSent(int index) {
            await().atMost(WAIT).until(() -> sent.size() > index);
            return sent.get(index);
        }
    }

    private final ScriptedSender broker = new ScriptedSender();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EventPublisher publisher = new EventPublisher(broker, "worker-1", "events", 3, meters);

    @AfterEach
    void close() {
        publisher.close();
    }

    @Test
    void completesWhenTheBrokerConfirmsAndCountsTheEvent() {
        CompletableFuture<Void> delivery = publisher.publish(disconnected(6)).toCompletableFuture();

        ScriptedSender.Sent sent = broker.awaitSent(0);
        assertThat(sent.queue()).isEqualTo("events");
        assertThat(delivery).isNotDone();

        sent.confirm().complete(null);
        await().atMost(WAIT).until(delivery::isDone);
        assertThat(delivery).isCompleted();
        assertThat(meters.counter("worker.events.published", "action", "disconnected").count()).isEqualTo(1);
    }

    @Test
    void sendsTheSameEventAgainAfterAFailureAndStopsAtTheFirstConfirm() {
        CompletableFuture<Void> delivery = publisher.publish(disconnected(6)).toCompletableFuture();

        broker.awaitSent(0).confirm().completeExceptionally(new PublishFailedException("nack"));
        broker.awaitSent(1).confirm().completeExceptionally(new PublishFailedException("no confirm"));
        broker.awaitSent(2).confirm().complete(null);

        await().atMost(WAIT).until(delivery::isDone);
        assertThat(delivery).isCompleted();
        assertThat(broker.sent).extracting(sent -> sent.message().getMessageProperties().getMessageId())
                .containsOnly(broker.sent.getFirst().message().getMessageProperties().getMessageId())
                .hasSize(3);
        assertThat(meters.counter("worker.events.published", "action", "disconnected").count()).isEqualTo(1);
        assertThat(meters.counter("worker.events.failed", "action", "disconnected").count()).isZero();
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsAndCountsTheFailure() {
        CompletableFuture<Void> delivery = publisher.publish(disconnected(6)).toCompletableFuture();

        for (int attempt = 0; attempt < 3; attempt++) {
            broker.awaitSent(attempt).confirm().completeExceptionally(new PublishFailedException("returned"));
        }

        await().atMost(WAIT).until(delivery::isDone);
        assertThatThrownBy(delivery::get).isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(PublishFailedException.class);
        assertThat(broker.sent).hasSize(3);
        assertThat(meters.counter("worker.events.failed", "action", "disconnected").count()).isEqualTo(1);
        assertThat(meters.counter("worker.events.published", "action", "disconnected").count()).isZero();
    }

    @Test
    void neverBlocksTheCallerEvenWhenSendingBlocks() {
        CompletableFuture<Void> unblock = new CompletableFuture<>();
        QueueSender blockedBroker = (queue, message) -> {
            unblock.join();
            return CompletableFuture.completedFuture(null);
        };
        try (EventPublisher blocked = new EventPublisher(blockedBroker, "worker-1", "events", 3, meters)) {
            CompletionStage<Void> delivery = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> blocked.publish(disconnected(6)));

            assertThat(delivery.toCompletableFuture()).isNotDone();
            unblock.complete(null);
            await().atMost(WAIT).until(() -> delivery.toCompletableFuture().isDone());
        }
    }

    @Test
    void waitsForOutstandingConfirms() {
        publisher.publish(disconnected(6));
        ScriptedSender.Sent sent = broker.awaitSent(0);

        assertThat(publisher.awaitOutstandingConfirms(Duration.ofMillis(50))).isFalse();

        sent.confirm().complete(null);
        assertThat(publisher.awaitOutstandingConfirms(WAIT)).isTrue();
    }

    @Test
    void refusesZeroAttempts() {
        assertThatThrownBy(() -> new EventPublisher(broker, "worker-1", "events", 0, meters))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("worker.amqp.publish-attempts");
    }

    private static WorkerEvent disconnected(long numberId) {
        return new WorkerEvent.Disconnected(header(numberId), "closed by backend");
    }

    private static EventHeader header(long numberId) {
        return new EventHeader(numberId, "session_" + numberId + "_+221771234567", Instant.now(), Optional.empty());
    }
}
