package dev.waworker.ownership;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a renewal does after extending the leases this worker held under their tokens: which leases and sessions
 * to let go. Pure, so that the rules are checked on a table of cases ({@code LeaseUpkeepTest}).
 *
 * @param lost         held leases the renewal did not extend: another worker claimed the number since (its token
 *                     moved on), so this worker forgets them
 * @param dropSessions the live sessions among {@code lost}: dropped here, the number is someone else's
 * @param unleased     live sessions with no lease held here (one claimed by a command while the renewal ran): this
 *                     worker claims them, and drops the session when that fails
 * @param idle         renewed leases with no session, not {@linkplain LeaseTerms#justClaimed just claimed}: given up,
 *                     so that any worker may claim them
 */
record LeaseUpkeep(Set<Long> lost, Set<Long> dropSessions, Set<Long> unleased, Set<Long> idle) {

    static LeaseUpkeep decide(Map<Long, HeldLeases.Held> held, Set<Long> renewed, Set<Long> live, LeaseTerms terms,
            Instant now) {
        Set<Long> lost = new HashSet<>(held.keySet());
        lost.removeAll(renewed);
        Set<Long> dropSessions = new HashSet<>(lost);
        dropSessions.retainAll(live);
        Set<Long> unleased = new HashSet<>(live);
        unleased.removeAll(held.keySet());
        Set<Long> idle = new HashSet<>();
        for (long numberId : renewed) {
            HeldLeases.Held lease = held.get(numberId);
            if (!live.contains(numberId) && lease != null && !terms.justClaimed(lease.claimedAt(), now)) {
                idle.add(numberId);
            }
        }
        return new LeaseUpkeep(Set.copyOf(lost), Set.copyOf(dropSessions), Set.copyOf(unleased), Set.copyOf(idle));
    }
}
