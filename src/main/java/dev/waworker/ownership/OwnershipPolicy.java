package dev.waworker.ownership;

import java.time.Instant;

/**
 * Who handles a command for a number, decided from a {@link LeaseSnapshot} and the time, in this order:
 *
 * <ol>
 *   <li>the backend named a worker that is not registered (never started, or died and was removed): nobody
 *       ({@code UNKNOWN_WORKER});</li>
 *   <li>a worker holds a live lease on the number: that worker (this one included);</li>
 *   <li>the backend named a worker that is alive: that worker;</li>
 *   <li>otherwise this worker, which claims the number before it handles the command.</li>
 * </ol>
 *
 * Pure: no database, no clock, so every rule is checked on a table of cases ({@code OwnershipPolicyTest}).
 *
 * @param me this worker
 */
public record OwnershipPolicy(LeaseTerms terms, Owner me) {

    /** Told to the backend when it names a worker that is not in the registry. */
    static final String NEVER_STARTED = "no worker of that id is registered (it never started, or it died and was removed)";

    public Route decide(LeaseSnapshot snapshot, Instant now) {
        if (snapshot.named() instanceof NamedWorker.NeverStarted(String workerId)) {
            return new Route.UnknownWorker(workerId, NEVER_STARTED);
        }
        if (snapshot.lease().filter(lease -> lease.liveAt(now)).orElse(null) instanceof Lease live) {
            return live.holder().workerId().equals(me.workerId()) ? new Route.Here() : new Route.Forward(live.holder());
        }
        if (snapshot.named() instanceof NamedWorker.Registered(Owner owner, Instant heartbeatAt)
                && terms.alive(heartbeatAt, now)) {
            return new Route.Forward(owner);
        }
        return new Route.Here();
    }
}
