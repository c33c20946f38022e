package dev.waworker.whatsapp.simulated;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Runs queued tasks only when the test says so, on the test's thread: deliveries become deterministic. */
final class ManualExecutor implements Executor {

    private final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        queued.add(task);
    }

    synchronized int pending() {
        return queued.size();
    }

    /** Runs every queued task, including those that running them queues. */
    void runAll() {
        Runnable next;
        while ((next = poll()) != null) {
            next.run();
        }
    }

    private synchronized Runnable poll() {
        return queued.poll();
    }
}
