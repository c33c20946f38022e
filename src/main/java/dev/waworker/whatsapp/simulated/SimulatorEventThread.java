package dev.waworker.whatsapp.simulated;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread on which the simulated network hands events to the clients' listeners, in the order it emitted
 * them, as whatsmeow's event handlers run on its own goroutines and never inside a call of the caller.
 *
 * <p>Deliberately not an {@link java.util.concurrent.Executor}: as a Spring bean of that type it would take the
 * place of the application's task executor.
 */
public final class SimulatorEventThread implements AutoCloseable {

    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("simulated-whatsapp").daemon().factory());

    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
