package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production timers: one named thread for every session, cancelled timers dropped at once. */
class ScheduledExecutorTimersTest {

    private final ScheduledExecutorTimers timers = new ScheduledExecutorTimers();

    @AfterEach
    void close() {
        timers.close();
    }

    @Test
    void everyTimerFiresOnTheOneTimerThread() {
        List<Integer> fired = new CopyOnWriteArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int i = 5; i >= 1; i--) {
            int order = i;
            timers.schedule(Duration.ofMillis(20L * i), () -> {
                fired.add(order);
                threads.add(Thread.currentThread().getName());
            });
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> fired.size() == 5);

        assertThat(fired).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(threads).containsExactly(ScheduledExecutorTimers.THREAD_NAME);
    }

    @Test
    void aCancelledTimerNeverFiresAndIsDroppedAtOnce() {
        AtomicBoolean cancelledFired = new AtomicBoolean();
        AtomicBoolean laterFired = new AtomicBoolean();
        Timers.Cancellable cancelled = timers.schedule(Duration.ofMillis(50), () -> cancelledFired.set(true));
        timers.schedule(Duration.ofMillis(200), () -> laterFired.set(true));
        timers.schedule(Duration.ofHours(1), () -> { });

        cancelled.cancel();

        assertThat(timers.pending()).as("the cancelled timer no longer waits in the queue").isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).untilTrue(laterFired);
        assertThat(cancelledFired).as("due before the one that fired").isFalse();
    }

    @Test
    void aFailingTaskDoesNotStopTheTimerThread() {
        AtomicBoolean next = new AtomicBoolean();
        timers.schedule(Duration.ZERO, () -> {
            throw new IllegalStateException("a task that fails");
        });
        timers.schedule(Duration.ofMillis(30), () -> next.set(true));

        await().atMost(Duration.ofSeconds(10)).untilTrue(next);
    }
}
