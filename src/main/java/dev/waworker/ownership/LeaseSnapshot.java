package dev.waworker.ownership;

import java.util.Optional;

/**
 * What the database says about a command's number when the command arrives: everything {@link OwnershipPolicy}
 * needs, read by {@link JdbcLeases#snapshot}.
 *
 * @param lease the number's lease, live or not; empty when no worker ever claimed the number
 * @param named the worker the command names
 */
public record LeaseSnapshot(Optional<Lease> lease, NamedWorker named) {
}
