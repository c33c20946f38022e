package dev.waworker.bench;

/** The queue names of one chaos run: its own, so that nothing else on the broker reads or fills them. */
record ChaosQueues(String run, String commands, String events, String deadLetters, String workerQueuePrefix) {

    static ChaosQueues of(String run) {
        return new ChaosQueues(run, run + ".session.update", run + ".worker.events", run + ".session.update.dlq",
                run + ".session.update.");
    }

    /** The command queue of one worker. */
    String ofWorker(String workerId) {
        return workerQueuePrefix + workerId;
    }
}
