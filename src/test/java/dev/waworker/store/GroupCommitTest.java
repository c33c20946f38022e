package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.waworker.session.StepRecord;

/** The grouping of {@link GroupCommit}, with a fake transaction: which steps go together, and what each learns. */
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The groups the fake wrote, in order, as their steps' numbers. */
    private final List<List<Long>> groups = new CopyOnWriteArrayList<>();
    /** Holds the first group's write until released: what queues meanwhile forms the next group. */
    private final CountDownLatch firstGroupMayEnd = new CountDownLatch(1);
    private final CountDownLatch firstGroupStarted = new CountDownLatch(1);
    private final CountDownLatch writerInterrupted = new CountDownLatch(1);
    private GroupCommit group;

    @AfterEach
    void close() {
        firstGroupMayEnd.countDown();
        if (group != null) {
            group.close();
        }
    }

    private GroupCommit grouping(int maxGroup, Consumer<List<StepRecord>> alsoOnWrite) {
        group = new GroupCommit(steps -> {
            groups.add(steps.stream().map(StepRecord::numberId).toList());
            if (groups.size() == 1) {
                firstGroupStarted.countDown();
                holdFirstGroup();
            }
            alsoOnWrite.accept(steps);
        }, maxGroup, "journal-writer-test");
        return group;
    }

    /** Like a JDBC call, the hold does not end when the writer is interrupted: it notes it and goes on waiting. */
    private void holdFirstGroup() {
        while (firstGroupMayEnd.getCount() > 0) {
            try {
                firstGroupMayEnd.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                writerInterrupted.countDown();
            }
        }
    }

    private static StepRecord step(long numberId) {
        return new StepRecord(numberId, new StepRecord.Change.Keep(), List.of());
    }

    @Test
    void theStepsQueuedWhileAGroupIsWrittenAreWrittenTogetherInOrder() throws Exception {
        grouping(256, steps -> { });
        CompletableFuture<Void> first = group.submit(step(1));
        firstGroupStarted.await(10, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> queued = IntStream.rangeClosed(2, 51).mapToObj(n -> group.submit(step(n)))
                .toList();

        assertThat(first).as("not written before its transaction ends").isNotDone();
        firstGroupMayEnd.countDown();
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(first).isCompleted();
        assertThat(groups).containsExactly(List.of(1L), IntStream.rangeClosed(2, 51).mapToObj(n -> (long) n).toList());
    }

    @Test
    void aGroupHoldsAtMostTheBoundAndTheRestFollowsInTheNextOne() throws Exception {
        grouping(20, steps -> { });
        group.submit(step(1));
        firstGroupStarted.await(10, TimeUnit.SECONDS);
        List<CompletableFuture<Void>> queued = IntStream.rangeClosed(2, 51).mapToObj(n -> group.submit(step(n)))
                .toList();
        firstGroupMayEnd.countDown();
        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(groups).extracting(List::size).containsExactly(1, 20, 20, 10);
        assertThat(groups.stream().flatMap(List::stream).toList()).isSorted().hasSize(51);
    }

    @Test
    void aSecondStepOfANumberWaitsForTheNextGroupSoThatItsOrderHolds() throws Exception {
        grouping(256, steps -> { });
        group.submit(step(1));
        firstGroupStarted.await(10, TimeUnit.SECONDS);
        CompletableFuture<Void> last = CompletableFuture.allOf(group.submit(step(7)), group.submit(step(8)),
                group.submit(step(7)), group.submit(step(9)));
        firstGroupMayEnd.countDown();
        last.get(10, TimeUnit.SECONDS);

        assertThat(groups).containsExactly(List.of(1L), List.of(7L, 8L), List.of(7L, 9L));
    }

    @Test
    void aFailingGroupIsWrittenAgainStepByStepAndOnlyTheBadStepFails() throws Exception {
        grouping(256, steps -> {
            if (steps.stream().anyMatch(step -> step.numberId() == 13)) {
                throw new IllegalStateException("a constraint of number 13's row");
            }
        });
        group.submit(step(1));
        firstGroupStarted.await(10, TimeUnit.SECONDS);
        CompletableFuture<Void> before = group.submit(step(12));
        CompletableFuture<Void> bad = group.submit(step(13));
        CompletableFuture<Void> after = group.submit(step(14));
        firstGroupMayEnd.countDown();

        after.get(10, TimeUnit.SECONDS);
        before.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("a constraint of number 13's row");
        assertThat(groups).containsExactly(List.of(1L), List.of(12L, 13L, 14L), List.of(12L), List.of(13L),
                List.of(14L));
    }

    @Test
    void anErrorFailsItsGroupAndTheWriterGoesOnWithTheNext() throws Exception {
        grouping(256, steps -> {
            if (steps.stream().anyMatch(step -> step.numberId() == 66)) {
                throw new StackOverflowError("deep in the driver");
            }
        });
        group.submit(step(1));
        firstGroupStarted.await(10, TimeUnit.SECONDS);
        CompletableFuture<Void> broken = group.submit(step(66));
        firstGroupMayEnd.countDown();
        assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StackOverflowError.class);

        group.submit(step(67)).get(10, TimeUnit.SECONDS);

        assertThat(groups).containsExactly(List.of(1L), List.of(66L), List.of(67L));
    }

    @Test
    void closingFailsTheStepsStillQueuedAndRefusesNewOnes() throws Exception {
        grouping(256, steps -> { });
        CompletableFuture<Void> inFlight = group.submit(step(1));
        firstGroupStarted.await(10, TimeUnit.SECONDS);
        CompletableFuture<Void> queued = group.submit(step(2));

        CompletableFuture<Void> closing = CompletableFuture.runAsync(group::close);
        assertThat(writerInterrupted.await(10, TimeUnit.SECONDS)).as("the writer told to stop").isTrue();
        firstGroupMayEnd.countDown();
        closing.get(10, TimeUnit.SECONDS);

        assertThat(queued).isCompletedExceptionally();
        assertThat(inFlight).as("the group being written ends as its transaction does").isCompleted();
        assertThat(group.submit(step(3))).isCompletedExceptionally();
        assertThat(groups).containsExactly(List.of(1L));
    }
}
