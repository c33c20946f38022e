package dev.waworker.ownership;

import java.time.Duration;
import java.time.Instant;

/**
 * The timing of leases, one rule each. An owner renews every third of the lease time; a worker that has not
 * managed to renew for two thirds of it drops its sessions (fencing), which leaves a third of the lease time as a
 * safety margin (a slow renewal, a timer firing late, some clock skew between workers) before anyone else may
 * claim its numbers.
 *
 * @param leaseTime how long a lease lasts after the renewal that started at a given instant
 */
public record LeaseTerms(Duration leaseTime) {

    public LeaseTerms {
        if (leaseTime.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalArgumentException("worker.ownership.lease-time must be 3s or more, was " + leaseTime);
        }
    }

    public Duration renewEvery() {
        return leaseTime.dividedBy(3);
    }

    /** When a lease renewed (or claimed) by a write that started at {@code renewStartedAt} expires. */
    public Instant expiresAt(Instant renewStartedAt) {
        return renewStartedAt.plus(leaseTime);
    }

    /** When the sessions must be dropped if no renewal started at {@code renewStartedAt} or later succeeded. */
    public Instant fenceAt(Instant renewStartedAt) {
        return renewStartedAt.plus(leaseTime.multipliedBy(2).dividedBy(3));
    }

    /**
     * Whether a lease claimed at {@code claimedAt} is kept at {@code now} even though its number has no session:
     * for a lease time after the claim, since the command it was claimed for may still be on its way to its lane.
     */
    public boolean justClaimed(Instant claimedAt, Instant now) {
        return now.isBefore(claimedAt.plus(leaseTime));
    }

    /**
     * A worker whose last heartbeat was at or before this instant is dead at {@code now}: the contrary of
     * {@link #alive}. Its leases have run out, and the events it still owes are adopted by a survivor.
     */
    public Instant deadIfSilentSince(Instant now) {
        return now.minus(leaseTime);
    }

    /** A worker is alive while its last heartbeat is younger than a lease: it would still hold its leases. */
    public boolean alive(Instant heartbeatAt, Instant now) {
        return now.isBefore(heartbeatAt.plus(leaseTime));
    }
}
