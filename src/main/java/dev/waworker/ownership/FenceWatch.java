package dev.waworker.ownership;

import java.time.Instant;

/**
 * Decides when this worker must drop its sessions because it could not renew its leases: once per outage, at
 * {@link LeaseTerms#fenceAt} of the last renewal that succeeded. Pure and thread-safe, so that the check can run
 * on a timer of its own, never blocked behind a database call that hangs.
 */
final class FenceWatch {

    private final LeaseTerms terms;
    private Instant lastRenewalStart;
    private boolean fenced;

    FenceWatch(LeaseTerms terms) {
        this.terms = terms;
    }

    /** A renewal that started at {@code startedAt} succeeded: the leases hold until its expiry. */
    synchronized void renewed(Instant startedAt) {
        if (lastRenewalStart == null || startedAt.isAfter(lastRenewalStart)) {
            lastRenewalStart = startedAt;
        }
        fenced = false;
    }

    /** Whether the sessions must be dropped now; true once, until a renewal succeeds again. */
    synchronized boolean fenceDue(Instant now) {
        if (fenced || lastRenewalStart == null || now.isBefore(terms.fenceAt(lastRenewalStart))) {
            return false;
        }
        fenced = true;
        return true;
    }
}
