package dev.waworker.ownership;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.waworker.store.OutboxTransfer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Owed events follow the numbers and outlive their worker: a claim that makes this worker a number's new owner
 * takes the events its previous holder still owed for it ({@link #claim}), and the events of a worker silent for a
 * lease time are adopted by a survivor ({@link #adoptSilentWorkers}), which relays them with their {@code eventId}s
 * and in their order. Each move is made in the transaction of the decision that allows it (the claim; the check,
 * under the registry row's lock, that the worker is still silent), so that a move never outlives its reason and two
 * survivors never relay the same event.
 */
public final class OutboxHandOver {

    private static final Logger log = LoggerFactory.getLogger(OutboxHandOver.class);

    private final JdbcLeases leases;
    private final OutboxTransfer transfer;
    private final TransactionTemplate transactions;
    private final LeaseTerms terms;
    private final String me;
    private final Counter fromPreviousOwners;
    private final Counter fromSilentWorkers;

    public OutboxHandOver(JdbcLeases leases, OutboxTransfer transfer, TransactionTemplate transactions,
            LeaseTerms terms, String me, MeterRegistry meters) {
        this.leases = leases;
        this.transfer = transfer;
        this.transactions = transactions;
        this.terms = terms;
        this.me = me;
        this.fromPreviousOwners = adopted(meters, "number-taken-over");
        this.fromSilentWorkers = adopted(meters, "worker-silent");
    }

    /**
     * Claims the number (see {@link JdbcLeases#claim}) and, when it was another worker's, takes the events that
     * worker owed for it in the same transaction: they are delivered before anything this worker writes about the
     * number, and the previous holder can no longer publish them (see {@code OwedEvent#writtenUnderALostLease}).
     *
     * @return the lease's fencing token when this worker holds it now; empty when another worker does
     */
    public OptionalLong claim(long numberId, Instant now) {
        Claimed claimed = transactions.execute(status -> {
            Optional<String> before = leases.holderOf(numberId);
            OptionalLong token = leases.claim(numberId, now);
            boolean newOwner = token.isPresent() && before.isPresent() && !before.get().equals(me);
            return new Claimed(token, newOwner ? transfer.takeNumber(numberId, before.get()) : 0, before);
        });
        if (claimed.moved() > 0) {
            fromPreviousOwners.increment(claimed.moved());
            log.info("Number {} taken over from worker {} with the {} event(s) it still owed: relaying them here first",
                    numberId, claimed.previousHolder().orElseThrow(), claimed.moved());
            transfer.wakeRelay();
        }
        return claimed.token();
    }

    /**
     * Adopts the events owed by every other worker whose last heartbeat is a lease time old or more (it is dead: its
     * leases have run out too), a batch per worker at a time. A worker that comes back under its id finds its outbox
     * relayed; one that comes back while its outbox is being moved waits, at its heartbeat, for the move to end.
     */
    public void adoptSilentWorkers(Instant now) {
        Instant cutoff = terms.deadIfSilentSince(now);
        for (String silent : leases.idsOfWorkersSilentSince(cutoff)) {
            if (!transfer.owes(silent)) {
                continue; // nothing to adopt: no write, no lock
            }
            Integer moved = transactions.execute(status ->
                    leases.holdIfSilentSince(silent, cutoff) ? transfer.adopt(silent) : 0);
            if (moved != null && moved > 0) {
                fromSilentWorkers.increment(moved);
                log.info("Adopted {} event(s) owed by worker {}, silent since {} or before: relaying them here, "
                        + "in their order", moved, silent, cutoff);
                transfer.wakeRelay();
            }
        }
    }

    private static Counter adopted(MeterRegistry meters, String reason) {
        return Counter.builder("worker.outbox.adopted")
                .description("Owed events moved into this worker's outbox from another worker's")
                .tag("reason", reason)
                .register(meters);
    }

    private record Claimed(OptionalLong token, int moved, Optional<String> previousHolder) {
    }
}
