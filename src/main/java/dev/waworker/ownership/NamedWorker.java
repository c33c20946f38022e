package dev.waworker.ownership;

import java.time.Instant;

/** The worker a command names (its optional {@code workerId}), as the worker registry knows it. */
public sealed interface NamedWorker {

    /** The command names no worker, or names this one. */
    record None() implements NamedWorker {
    }

    /** A worker that started on this database once; alive while its heartbeat is younger than a lease. */
    record Registered(Owner owner, Instant heartbeatAt) implements NamedWorker {
    }

    /** No worker of that id is registered: it never started on this database, or it died and was removed. */
    record NeverStarted(String workerId) implements NamedWorker {
    }
}
