package dev.waworker.ownership;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * One owner per number among the workers sharing a database. Decides who handles a command ({@link #decide}),
 * keeps this worker's leases alive and in line with its sessions ({@link #renew}), takes over the linked numbers
 * of workers that died, a few at a time ({@link #takeOver}), and drops every session when the leases could not be
 * renewed in time ({@link #fenceIfDue}), before any other worker may claim them.
 */
public final class NumberOwnership {

    private static final Logger log = LoggerFactory.getLogger(NumberOwnership.class);

    /** Who handles a command. */
    public sealed interface Decision {
        /** This worker owns the number now: it handles the command. */
        record Mine() implements Decision {
        }

        /** A live worker owns the number, or was named by the backend: the command goes to its queue. */
        record Elsewhere(Owner owner) implements Decision {
        }

        /** The backend named a worker that never registered. */
        record UnknownWorker(String workerId) implements Decision {
        }
    }

    private final JdbcLeases leases;
    private final ValidationRecords records;
    private final SessionHandOver sessions;
    private final WhatsAppClientFactory devices;
    private final LeaseTerms terms;
    private final FenceWatch fence;
    private final Owner me;
    private final int takeoverBatch;
    private final Clock clock;
    /** When this worker claimed a number it may not have a session for yet: such a lease is not given up. */
    private final Map<Long, Instant> claimedAt = new ConcurrentHashMap<>();

    public NumberOwnership(JdbcLeases leases, ValidationRecords records, SessionHandOver sessions,
            WhatsAppClientFactory devices, LeaseTerms terms, Owner me, int takeoverBatch, Clock clock) {
        this.leases = leases;
        this.records = records;
        this.sessions = sessions;
        this.devices = devices;
        this.terms = terms;
        this.fence = new FenceWatch(terms);
        this.me = me;
        this.takeoverBatch = takeoverBatch;
        this.clock = clock;
    }

    /**
     * Who handles a command for {@code numberId}: the number's live owner; else the worker the backend named, while
     * it is alive (one that never registered is unknown); else this worker, which claims the number.
     */
    public Decision decide(long numberId, Optional<String> namedWorker) {
        Optional<String> other = namedWorker.filter(id -> !id.equals(me.workerId()));
        Instant now = clock.instant();
        Optional<JdbcLeases.Registered> named = Optional.empty();
        if (other.isPresent()) {
            named = leases.worker(other.get());
            if (named.isEmpty()) {
                return new Decision.UnknownWorker(other.get());
            }
        }
        Optional<Owner> owner = leases.owner(numberId, now);
        if (owner.isPresent()) {
            if (!owner.get().workerId().equals(me.workerId())) {
                return new Decision.Elsewhere(owner.get());
            }
            // Kept even if its session ended: renew() must not give up a lease a command is on its way for.
            claimedAt.put(numberId, now);
            return new Decision.Mine();
        }
        if (named.isPresent() && terms.alive(named.get().heartbeatAt(), now)) {
            return new Decision.Elsewhere(named.get().owner());
        }
        if (claim(numberId, now)) {
            return new Decision.Mine();
        }
        // Another worker claimed it between our two statements: it is that worker's now.
        return leases.owner(numberId, now).<Decision>map(Decision.Elsewhere::new).orElseThrow(() ->
                new IllegalStateException("number " + numberId + " is leased to a worker that is not registered"));
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
     * Renews this worker's leases and its heartbeat, and lines the leases up with the sessions: a session whose
     * number is now another worker's is dropped, a lease with no session (and not claimed just now) is given up.
     */
    public void renew() {
        Instant started = clock.instant();
        leases.heartbeat(me.queue(), started);
        Set<Long> held = leases.renewAll(started);
        fence.renewed(started);
        claimedAt.values().removeIf(at -> !started.isBefore(at.plus(terms.leaseTime())));
        Set<Long> live = sessions.liveNumbers();
        for (long numberId : live) {
            if (!held.contains(numberId) && !claim(numberId, started)) {
                log.warn("Number {} is owned by another worker now: dropping its session here", numberId);
                sessions.release(numberId);
            }
        }
        List<Long> idle = held.stream()
                .filter(numberId -> !live.contains(numberId) && !claimedAt.containsKey(numberId)).toList();
        leases.release(idle);
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
        List<ValidationRecord> validations = new ArrayList<>(records.validationsOfOthers().stream()
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
            } catch (RuntimeException e) {
                log.warn("Renewing leases failed: {}", e.toString());
            } finally {
                if (!ticks.isShutdown()) {
                    scheduleTick(ticks);
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private boolean claim(long numberId, Instant now) {
        OptionalLong token = leases.claim(numberId, now);
        if (token.isPresent()) {
            claimedAt.put(numberId, now);
        }
        return token.isPresent();
    }
}
