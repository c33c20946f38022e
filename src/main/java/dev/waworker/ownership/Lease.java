package dev.waworker.ownership;

import java.time.Instant;

/**
 * A number's row in {@code number_lease}: who holds the number until when.
 *
 * @param token the fencing token: it grows by one each time the number changes owner, so that a worker that finds
 *              another token than the one its claim returned knows that someone else held the number since
 */
public record Lease(Owner holder, Instant expiresAt, long token) {

    /** Whether the lease still holds at {@code now} (a released lease expired at the epoch). */
    public boolean liveAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
