package dev.waworker.amqp;

import java.util.Optional;

import dev.waworker.ownership.NumberOwnership;
import dev.waworker.ownership.NumberOwnership.Decision;

/** Several workers on one database: each command goes to its number's owner (see {@link NumberOwnership#decide}). */
final class LeaseRouter implements CommandRouter {

    private final NumberOwnership ownership;

    LeaseRouter(NumberOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public Route route(long numberId, Optional<String> namedWorker) {
        return switch (ownership.decide(numberId, namedWorker)) {
            case Decision.Mine ignored -> new Route.Here();
            case Decision.Elsewhere(var owner) -> new Route.Forward(owner.workerId(), owner.queue());
            case Decision.UnknownWorker(String workerId) ->
                    new Route.UnknownWorker("Unknown worker '" + workerId + "': no worker of that id ever started");
        };
    }
}
