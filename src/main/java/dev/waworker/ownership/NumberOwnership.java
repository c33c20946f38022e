package dev.waworker.ownership;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.session.SessionHandOver;
import dev.waworker.session.ValidationRecord;
import dev.waworker.store.ValidationRecords;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * One owner per number among the workers sharing a database. Routes each command to its number's owner
 * ({@link #route}: {@link JdbcLeases} loads, {@link OwnershipPolicy} decides, a claim follows), keeps this worker's
 * leases alive and in line with its sessions ({@link #renew}), takes over the linked numbers of workers that died,
 * a few at a time ({@link #takeOver}), with the events their previous holders still owed, adopts the owed events of
 * dead workers ({@link OutboxHandOver}), and drops every session when the leases could not be renewed in time
 * ({@link #fenceIfDue}), before any other worker may claim them. It knows the fencing token of every lease it
 * holds ({@link #currentToken}).
 */
public final class NumberOwnership {

    private static final Logger log = LoggerFactory.getLogger(NumberOwnership.class);

    private final JdbcLeases leases;
    private final OutboxHandOver outboxes;
    private final ValidationRecords records;
    private final SessionHandOver sessions;
    private final WhatsAppClientFactory devices;
    private final LeaseTerms terms;
    private final OwnershipPolicy policy;
    private final FenceWatch fence;
    private final HeldLeases held = new HeldLeases();
    private final Owner me;
    private final int takeoverBatch;
    private final Clock clock;

    public NumberOwnership(JdbcLeases leases, OutboxHandOver outboxes, ValidationRecords records,
            SessionHandOver sessions, WhatsAppClientFactory devices, LeaseTerms terms, Owner me, int takeoverBatch,
            Clock clock) {
        this.leases = leases;
        this.outboxes = outboxes;
        this.records = records;
        this.sessions = sessions;
        this.devices = devices;
        this.terms = terms;
        this.policy = new OwnershipPolicy(terms, me);
        this.fence = new FenceWatch(terms);
        this.me = me;
        this.takeoverBatch = takeoverBatch;
        this.clock = clock;
    }

    /**
     * Who handles a command for {@code numberId} (see {@link OwnershipPolicy}). When it is this worker, the number's
     * lease is claimed (or renewed) first, and kept a lease time even if the number has no session yet: the command
     * is on its way to its lane.
     *
     * @param namedWorker the {@code workerId} the backend put in the command, if any
     */
    public Route route(long numberId, Optional<String> namedWorker) {
        Instant now = clock.instant();
        Route route = policy.decide(leases.snapshot(numberId, namedWorker), now);
        if (!(route instanceof Route.Here) || claim(numberId, now)) {
            return route;
        }
        // Another worker claimed the number between the two statements: it is that worker's now.
        route = policy.decide(leases.snapshot(numberId, namedWorker), now);
        if (route instanceof Route.Here) {
            throw new IllegalStateException("number " + numberId + " is leased to a worker that is not registered");
        }
        return route;
    }

    /**
     * The fencing token of this worker's lease of the number while it holds one: what a write on the number's
     * behalf can check the database still holds, so that a worker that lost the number cannot act for it.
     */
    public OptionalLong currentToken(long numberId) {
        return held.token(numberId);
    }

    /** Puts this worker in the registry, before it takes any command: others find its queue there. */
    public void register() {
        leases.heartbeat(me.queue(), clock.instant());
    }

    /**
     * Registers this worker and takes up the validations it had in progress before it stopped, those it can still
     * claim (a number taken over by another worker meanwhile stays there); linked numbers come back through
     * {@link #takeOver}, like anyone else's.
     */
    public void start(List<ValidationRecord> wereLive) {
        Instant now = clock.instant();
        leases.heartbeat(me.queue(), now);
        fence.renewed(now);
        List<ValidationRecord> claimed = wereLive.stream().filter(record -> claim(record.numberId(), now)).toList();
        Set<Long> numbers = new HashSet<>();
        claimed.forEach(record -> numbers.add(record.numberId()));
        sessions.restore(claimed, devices.storedDevices().stream()
                .filter(device -> numbers.contains(device.numberId())).toList());
    }

    /**
     * Renews this worker's heartbeat and its leases, each under its token, and lines the leases up with the
     * sessions (see {@link LeaseUpkeep}): a session whose lease changed hands is dropped, a lease with no session
     * (and not claimed just now) is given up.
     */
    public void renew() {
        Instant started = clock.instant();
        leases.heartbeat(me.queue(), started);
        Map<Long, HeldLeases.Held> before = held.all();
        Set<Long> renewed = leases.renew(tokens(before, before.keySet()), started);
        fence.renewed(started);
        LeaseUpkeep upkeep = LeaseUpkeep.decide(before, renewed, sessions.liveNumbers(), terms, started);
        upkeep.lost().forEach(numberId -> held.forget(numberId, before.get(numberId)));
        for (long numberId : upkeep.dropSessions()) {
            log.warn("Number {} changed hands (its lease's token moved on): dropping its session here", numberId);
            sessions.release(numberId);
        }
        for (long numberId : upkeep.unleased()) {
            if (!claim(numberId, started)) {
                log.warn("Number {} is owned by another worker now: dropping its session here", numberId);
                sessions.release(numberId);
            }
        }
        leases.release(tokens(before, upkeep.idle()));
        upkeep.idle().forEach(numberId -> held.forget(numberId, before.get(numberId)));
    }

    /**
     * Claims up to {@code takeoverBatch} numbers that nobody holds (their owner died, or gave them up) and takes
     * them up here: a linked device reconnects (and publishes {@code connected}), a validation another worker
     * recorded goes on (see {@link SessionHandOver#restore}). Picked at random, so that several workers share the
     * load and no worker reconnects a dead worker's numbers all at once.
     */
    public void takeOver() {
        Instant now = clock.instant();
        Set<Long> taken = leases.heldByOthers(now);
        taken.addAll(sessions.liveNumbers());
        List<StoredDevice> devices = new ArrayList<>(this.devices.storedDevices().stream()
                .filter(device -> !taken.contains(device.numberId())).toList());
        Set<Long> linked = new HashSet<>();
        devices.forEach(device -> linked.add(device.numberId()));
        List<ValidationRecord> validations = new ArrayList<>(records.validationsToTakeUp().stream()
                .filter(record -> !taken.contains(record.numberId()) && !linked.contains(record.numberId()))
                .toList());
        Collections.shuffle(devices, ThreadLocalRandom.current());
        Collections.shuffle(validations, ThreadLocalRandom.current());
        int budget = takeoverBatch;
        for (StoredDevice device : devices) {
            if (budget > 0 && claim(device.numberId(), now)) {
                budget--;
                log.info("Taking over linked number {}: no live worker holds it", device.numberId());
                sessions.reconnect(device);
                records.forgetValidationsOfOthers(device.numberId());
            }
        }
        for (ValidationRecord validation : validations) {
            if (budget > 0 && claim(validation.numberId(), now)) {
                budget--;
                log.info("Taking up the validation of number {}: no live worker holds it", validation.numberId());
                sessions.restore(List.of(validation), List.of());
                records.forgetValidationsOfOthers(validation.numberId());
            }
        }
    }

    /** The dead workers a survivor cleans up after: silent for a lease time, and holding no live lease any more. */
    public List<SilentWorker> silentWorkers() {
        Instant now = clock.instant();
        return leases.workersSilentSince(now.minus(terms.leaseTime()), now);
    }

    /** Whether a worker found silent is silent still: it has not come back to life (under the same id) since. */
    public boolean stillSilent(SilentWorker worker) {
        return !(leases.worker(worker.workerId()) instanceof NamedWorker.Registered registered
                && terms.alive(registered.heartbeatAt(), clock.instant()));
    }

    /**
     * Deletes a silent worker's registry row once it owes no event any more; a command naming it is answered
     * {@code UNKNOWN_WORKER} from then on.
     *
     * @return whether it was deleted (no: it came back, or its outbox still has events to relay)
     */
    public boolean forget(SilentWorker worker) {
        Instant now = clock.instant();
        return leases.forget(worker.workerId(), now.minus(terms.leaseTime()), now);
    }

    /** Drops every session when the leases could not be renewed for too long (see {@link LeaseTerms#fenceAt}). */
    public void fenceIfDue() {
        if (fence.fenceDue(clock.instant())) {
            Set<Long> live = sessions.liveNumbers();
            log.error("Could not renew the leases of this worker's numbers in time: dropping its {} session(s) "
                    + "(credentials kept) before other workers may take them over", live.size());
            live.forEach(sessions::release);
        }
    }

    /**
     * Runs the renewals and take-overs every third of the lease time, with jitter, on {@code ticks}, and the fence
     * check on {@code fenceChecks}, which a database call that hangs never holds up.
     */
    public void schedule(ScheduledExecutorService ticks, ScheduledExecutorService fenceChecks) {
        scheduleTick(ticks);
        fenceChecks.scheduleWithFixedDelay(this::fenceIfDue, 200, 200, TimeUnit.MILLISECONDS);
    }

    private void scheduleTick(ScheduledExecutorService ticks) {
        long every = terms.renewEvery().toMillis();
        // 75-100 % of the period: workers started together drift apart, and renewals stay within the period.
        long delay = every - ThreadLocalRandom.current().nextLong(every / 4 + 1);
        ticks.schedule(() -> {
            try {
                renew();
                takeOver();
                outboxes.adoptSilentWorkers(clock.instant());
            } catch (RuntimeException e) {
                log.warn("Renewing leases failed: {}", e.toString());
            } finally {
                if (!ticks.isShutdown()) {
                    scheduleTick(ticks);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Claims the number, with the events its previous holder still owed for it (see {@link OutboxHandOver#claim}),
     * and remembers the lease's token. A token other than the one held before means another worker held the number
     * in between: a session this worker still has for it is stale and is dropped. A lease newly held here makes the
     * other workers' records of the number stale.
     */
    private boolean claim(long numberId, Instant now) {
        OptionalLong heldBefore = held.token(numberId);
        OptionalLong token = outboxes.claim(numberId, now);
        if (token.isEmpty()) {
            return false;
        }
        if (!heldBefore.equals(token)) {
            // The number is this worker's now (a command, a restart, a take-over): a record a dead owner left of it
            // is stale, and must not be taken up once this worker lets the number go (a validation it ended, back).
            records.forgetValidationsOfOthers(numberId);
        }
        if (!held.claimed(numberId, token.getAsLong(), now) && sessions.liveNumbers().contains(numberId)) {
            log.warn("Number {} changed hands since this worker last held it: dropping its stale session", numberId);
            sessions.release(numberId);
        }
        return true;
    }

    private static Map<Long, Long> tokens(Map<Long, HeldLeases.Held> leases, Set<Long> numbers) {
        Map<Long, Long> tokens = new HashMap<>();
        numbers.forEach(numberId -> tokens.put(numberId, leases.get(numberId).token()));
        return tokens;
    }
}
