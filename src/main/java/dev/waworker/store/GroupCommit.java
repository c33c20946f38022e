package dev.waworker.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.session.StepRecord;

/**
 * Group commit: the lanes of many numbers hand their steps over, and one writer thread writes everything queued
 * meanwhile in one transaction, so that a burst of steps pays for one commit (and, on the embedded SQLite, one
 * turn on its only connection) instead of one each. A step's future completes once its group is committed: only
 * then is a command acknowledged or an event relayed, as when each step had its own transaction.
 *
 * <p>A number's order is kept by its lane, which hands over its next step only once the previous one's future
 * completed; a group never holds two steps of one number (a second one waits for the next group), so that the
 * rows of one group may be written table by table. When a group fails for another reason than an unavailable store
 * (which the {@code groupWriter} waits out itself, see {@link OutageRetry}), its steps are written again one by one,
 * so that one bad step fails alone and the others of its group are written.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    /** A step waiting for its group, and what its lane waits on. */
    private record Pending(StepRecord step, CompletableFuture<Void> written) {
    }

    private final Consumer<List<StepRecord>> groupWriter;
    private final int maxGroup;
    private final String threadName;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** A step taken from the queue that had to wait for the next group (its number was in the group already). */
    private Pending carried;
    private Thread writer;
    private volatile boolean closed;

    /**
     * @param groupWriter writes the steps in one transaction, or throws (then nothing of them is written)
     * @param maxGroup    the most steps in one transaction: bounds how long the store's connection is held
     * @param threadName  the writer thread's name
     */
    GroupCommit(Consumer<List<StepRecord>> groupWriter, int maxGroup, String threadName) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("a group holds 1 step or more, was " + maxGroup);
        }
        this.groupWriter = groupWriter;
        this.maxGroup = maxGroup;
        this.threadName = threadName;
    }

    /** Queues the step for the next group; completes once it is written (exceptionally when its write failed). */
    CompletableFuture<Void> submit(StepRecord step) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        if (closed) {
            written.completeExceptionally(new IllegalStateException("the journal is closed"));
            return written;
        }
        startWriter();
        queue.add(new Pending(step, written));
        if (closed) {
            failQueued(); // closed meanwhile: the writer may have gone already
        }
        return written;
    }

    /** The writer thread starts at the first step (constructing the journal starts nothing). */
    private synchronized void startWriter() {
        if (writer == null) {
            writer = Thread.ofPlatform().name(threadName).daemon().start(this::writeGroups);
        }
    }

    private void writeGroups() {
        while (!closed) {
            List<Pending> group;
            try {
                group = nextGroup();
            } catch (InterruptedException stop) {
                break;
            }
            try {
                commit(group);
            } catch (Error failure) {
                // Not a failed write but a broken JVM-level promise (out of memory, a stack overflow in a driver):
                // the group's steps fail, and the writer keeps serving, since every lane waits on it.
                log.error("Writing a group of {} steps failed with {}: those steps fail, the next groups are written",
                        group.size(), failure.toString());
                group.forEach(pending -> pending.written().completeExceptionally(failure));
            }
        }
        failQueued();
    }

    /** Waits for a step, then takes every step queued behind it, up to {@link #maxGroup}, one per number. */
    private List<Pending> nextGroup() throws InterruptedException {
        List<Pending> group = new ArrayList<>();
        Set<Long> numbers = new HashSet<>();
        Pending next = carried != null ? carried : queue.take();
        carried = null;
        while (next != null) {
            if (!numbers.add(next.step().numberId())) {
                carried = next;
                break;
            }
            group.add(next);
            if (group.size() == maxGroup) {
                break;
            }
            next = queue.poll();
        }
        return group;
    }

    private void commit(List<Pending> group) {
        try {
            groupWriter.accept(group.stream().map(Pending::step).toList());
            group.forEach(pending -> pending.written().complete(null));
        } catch (RuntimeException failure) {
            if (group.size() == 1) {
                group.getFirst().written().completeExceptionally(failure);
                return;
            }
            log.warn("A group of {} steps failed ({}): writing them one by one, so that only the failing step fails",
                    group.size(), failure.getClass().getSimpleName());
            for (Pending pending : group) {
                commit(List.of(pending));
            }
        }
    }

    private void failQueued() {
        List<Pending> left = new ArrayList<>();
        if (carried != null && Thread.currentThread() == writer) {
            left.add(carried);
            carried = null;
        }
        queue.drainTo(left);
        left.forEach(pending -> pending.written().completeExceptionally(
                new IllegalStateException("the journal closed before the step of number " + pending.step().numberId()
                        + " was written")));
    }

    /**
     * Stops the writer: the group being written ends (a wait for the store to come back ends at once, its steps
     * fail), and the steps still queued fail.
     */
    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = writer;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        failQueued();
    }
}
