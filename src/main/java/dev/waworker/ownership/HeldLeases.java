package dev.waworker.ownership;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases this worker holds, each with the fencing token its claim returned: renewals and releases are
 * conditioned on that token, and a lease whose token moved on is known to be lost. Thread-safe: commands claim on
 * the consumer thread, the renewals run on their own.
 */
final class HeldLeases {

    /**
     * @param claimedAt when this worker last claimed the number (for a command, a restart or a take-over): such a
     *                  lease is kept a while even without a session (see {@link LeaseTerms#justClaimed})
     */
    record Held(long token, Instant claimedAt) {
    }

    private final Map<Long, Held> held = new ConcurrentHashMap<>();

    /**
     * A claim of the number returned {@code token}.
     *
     * @return false when this worker held the number under another token before: someone else held it in between,
     *         so what this worker did under the old token is stale
     */
    boolean claimed(long numberId, long token, Instant at) {
        Held before = held.put(numberId, new Held(token, at));
        return before == null || before.token() == token;
    }

    /** The token of this worker's lease of the number; empty when it holds none. */
    OptionalLong token(long numberId) {
        Held lease = held.get(numberId);
        return lease == null ? OptionalLong.empty() : OptionalLong.of(lease.token());
    }

    /** A copy, for a renewal to work on while commands go on claiming. */
    Map<Long, Held> all() {
        return Map.copyOf(held);
    }

    /**
     * Forgets the lease that was {@code seen}; a claim since then (a command for the number) keeps it instead, to
     * be renewed with the rest.
     */
    void forget(long numberId, Held seen) {
        held.remove(numberId, seen);
    }
}
