package dev.waworker.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code worker.ownership.*}: how workers sharing a PostgreSQL database share the numbers (unused without one).
 *
 * @param leaseTime     how long a number stays its owner's without a renewal (renewed every third of it); a dead
 *                      worker's linked numbers are taken over within about this time
 * @param takeoverBatch at most this many numbers of dead workers a worker claims and reconnects per renewal
 * @param queueExpiry   how long the broker keeps a worker's own queue that nobody consumes or declares
 *                      ({@code x-expires}): the last resort for a dead worker's queue when no survivor drains it.
 *                      Four lease times when not set; at least two, so that survivors always drain it first
 */
@ConfigurationProperties("worker.ownership")
public record OwnershipProperties(@DefaultValue("15s") Duration leaseTime, @DefaultValue("10") int takeoverBatch,
        Duration queueExpiry) {

    /** Queue expiry when not set, in lease times. */
    static final int DEFAULT_QUEUE_EXPIRY_LEASES = 4;

    public OwnershipProperties {
        if (takeoverBatch < 1) {
            throw new IllegalArgumentException("worker.ownership.takeover-batch must be 1 or more, was " + takeoverBatch);
        }
        if (queueExpiry == null) {
            queueExpiry = leaseTime.multipliedBy(DEFAULT_QUEUE_EXPIRY_LEASES);
        }
        // A survivor drains a dead worker's queue a lease time (and a renewal tick) after its last heartbeat: the
        // broker must not delete the queue, with the commands in it, before that.
        if (queueExpiry.compareTo(leaseTime.multipliedBy(2)) < 0 || queueExpiry.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("worker.ownership.queue-expiry must be at least twice "
                    + "worker.ownership.lease-time (" + leaseTime + ") and at most 24 days, was " + queueExpiry);
        }
    }
}
