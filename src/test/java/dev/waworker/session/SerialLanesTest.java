package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialLanesTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final SerialLanes lanes = new SerialLanes(executor);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void stepsOfOneKeyRunInSubmissionOrder() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<?>[] steps = new CompletableFuture<?>[1000];
        for (int i = 0; i < steps.length; i++) {
            int step = i;
            steps[i] = lanes.run(1, () -> seen.add(step));
        }
        CompletableFuture.allOf(steps).get(10, TimeUnit.SECONDS);

        assertThat(seen).hasSize(1000).isSorted();
    }

    @Test
    void anAsynchronousStepHoldsItsLaneButNotTheOthers() throws Exception {
        CompletableFuture<Void> slowPublish = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        lanes.submit(1, () -> slowPublish);
        CompletableFuture<Void> behindIt = lanes.run(1, () -> seen.add("key 1, second"));
        CompletableFuture<Void> otherKey = lanes.run(2, () -> seen.add("key 2"));

        otherKey.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("key 2");
        assertThat(behindIt).isNotDone();

        slowPublish.complete(null);
        behindIt.get(5, TimeUnit.SECONDS);
        assertThat(seen).containsExactly("key 2", "key 1, second");
    }

    @Test
    void aFailingStepFailsItsOwnResultOnly() throws Exception {
        CompletableFuture<Void> failing = lanes.run(1, () -> {
            throw new IllegalStateException("boom");
        });
        CompletableFuture<Void> next = lanes.run(1, () -> { });

        assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("boom");
        next.get(5, TimeUnit.SECONDS);
    }

    @Test
    void idleLanesAreDropped() throws Exception {
        lanes.run(1, () -> { }).get(5, TimeUnit.SECONDS);
        lanes.run(2, () -> { }).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> lanes.busyLanes() == 0);
        assertThat(lanes.awaitIdle(Duration.ofMillis(100))).isTrue();
    }

    @Test
    void awaitIdleReportsAStepThatDoesNotFinish() throws Exception {
        lanes.submit(1, CompletableFuture::new);

        assertThat(lanes.awaitIdle(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void aStoppedExecutorFailsTheStepInsteadOfLosingIt() {
        executor.shutdown();

        CompletableFuture<Void> refused = lanes.run(1, () -> { });

        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(
                RejectedExecutionException.class);
    }
}
