package dev.waworker.amqp;

import java.util.Optional;

import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.Owner;
import dev.waworker.ownership.Route;

/**
 * One worker on its own database: it handles every command but those naming another worker, which go to that
 * worker's queue while the queue exists.
 */
final class QueueRouter implements CommandRouter {

    private final WorkerQueueDirectory workerQueues;
    private final WorkerProperties worker;

    QueueRouter(WorkerQueueDirectory workerQueues, WorkerProperties worker) {
        this.workerQueues = workerQueues;
        this.worker = worker;
    }

    /** Only a command naming another worker asks the broker (whether that worker's queue exists). */
    @Override
    public boolean answersAtOnce(Optional<String> namedWorker) {
        return otherWorker(namedWorker).isEmpty();
    }

    @Override
    public Route route(long numberId, Optional<String> namedWorker) {
        Optional<String> other = otherWorker(namedWorker);
        if (other.isEmpty()) {
            return new Route.Here();
        }
        String queue = worker.amqp().workerQueue(other.get());
        return workerQueues.exists(queue) ? new Route.Forward(new Owner(other.get(), queue))
                : new Route.UnknownWorker(other.get(), "queue " + queue + " does not exist");
    }

    private Optional<String> otherWorker(Optional<String> namedWorker) {
        return namedWorker.filter(id -> !id.equals(worker.id()));
    }
}
