package dev.waworker.amqp;

import java.util.Optional;

import dev.waworker.ownership.NumberOwnership;
import dev.waworker.ownership.Route;

/**
 * Several workers on one database: each command goes to its number's owner (see {@link NumberOwnership#route}).
 * Every route reads the number's lease, and claims it when it is this worker's: it never answers at once.
 */
final class LeaseRouter implements CommandRouter {

    private final NumberOwnership ownership;

    LeaseRouter(NumberOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public Route route(long numberId, Optional<String> namedWorker) {
        return ownership.route(numberId, namedWorker);
    }
}
