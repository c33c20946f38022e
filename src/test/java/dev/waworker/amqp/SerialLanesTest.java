package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialLanesTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final SerialLanes<String> lanes = new SerialLanes<>(executor);
    private final List<String> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void startsATaskOnlyAfterThePreviousTaskOfItsKeyFinished() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        lanes.submit("a", () -> track("a1", first));
        lanes.submit("a", () -> track("a2", CompletableFuture.completedFuture(null)));

        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("a1"));
        assertThat(started).containsExactly("a1");

        first.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("a2"));
        assertThat(started).containsExactly("a1", "a2");
    }

    @Test
    void startsTheNextTaskAlsoWhenThePreviousOneFailed() {
        CompletableFuture<Void> failed = lanes.submit("a",
                () -> CompletableFuture.failedFuture(new IllegalStateException("refused")));
        CompletableFuture<String> next = lanes.submit("a", () -> CompletableFuture.completedFuture("ran"));

        await().atMost(Duration.ofSeconds(5)).until(next::isDone);
        assertThat(failed).isCompletedExceptionally();
        assertThat(next.join()).isEqualTo("ran");
    }

    @Test
    void letsOtherKeysRunWhileOneKeyWaits() {
        lanes.submit("a", () -> track("a1", new CompletableFuture<>()));
        lanes.submit("a", () -> track("a2", CompletableFuture.completedFuture(null)));
        lanes.submit("b", () -> track("b1", CompletableFuture.completedFuture(null)));

        await().atMost(Duration.ofSeconds(5)).until(() -> started.contains("b1"));
        assertThat(started).doesNotContain("a2");
    }

    @Test
    void reportsATaskThatThrowsAsAFailedFuture() {
        CompletableFuture<Void> result = lanes.submit("a", () -> {
            throw new IllegalStateException("broken");
        });

        await().atMost(Duration.ofSeconds(5)).until(result::isDone);
        assertThat(result).isCompletedExceptionally();
    }

    @Test
    void forgetsAKeyOnceItsTasksAreDone() {
        CompletableFuture<Void> pending = new CompletableFuture<>();
        lanes.submit("a", () -> pending);
        lanes.submit("b", () -> CompletableFuture.completedFuture(null));

        await().atMost(Duration.ofSeconds(5)).until(() -> lanes.busyKeys() == 1);
        pending.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> lanes.busyKeys() == 0);
    }

    private CompletableFuture<Void> track(String name, CompletableFuture<Void> outcome) {
        started.add(name);
        return outcome;
    }
}
