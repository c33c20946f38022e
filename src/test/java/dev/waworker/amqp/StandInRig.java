package dev.waworker.amqp;

import dev.waworker.testing.StandInServer;

/**
 * What a test of a worker against the stand-in WhatsApp server needs around it: the worker's unique queues and
 * data ({@link TestWorker}), a backend on those queues and the stand-in server. {@link #close} deletes the queues
 * and stops the rest (from the test class's {@code @AfterAll}).
 */
record StandInRig(TestWorker worker, BackendProbe backend, StandInServer whatsApp) implements AutoCloseable {

    static StandInRig unique(String purpose) {
        TestWorker worker = TestWorker.unique(purpose);
        return new StandInRig(worker, new BackendProbe(worker), StandInServer.start());
    }

    @Override
    public void close() {
        worker.queuesToDelete().forEach(backend.admin()::deleteQueue);
        backend.close();
        whatsApp.close();
    }
}
