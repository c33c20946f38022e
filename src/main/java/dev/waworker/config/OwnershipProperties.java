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
 */
@ConfigurationProperties("worker.ownership")
public record OwnershipProperties(@DefaultValue("15s") Duration leaseTime, @DefaultValue("10") int takeoverBatch) {

    public OwnershipProperties {
        if (takeoverBatch < 1) {
            throw new IllegalArgumentException("worker.ownership.takeover-batch must be 1 or more, was " + takeoverBatch);
        }
    }
}
