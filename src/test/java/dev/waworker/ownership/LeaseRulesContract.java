package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.waworker.testing.ManualClock;

/**
 * The lease rules of {@link JdbcLeases}, with the real SQL, on the manual clock: run against SQLite
 * ({@link JdbcLeasesTest}) and the real PostgreSQL ({@link JdbcLeasesIT}). Each test uses numbers of its own.
 */
abstract class LeaseRulesContract {

    static final Duration LEASE = Duration.ofSeconds(15);
    static final LeaseTerms TERMS = new LeaseTerms(LEASE);

    final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    abstract JdbcClient jdbc();

    JdbcLeases as(String workerId) {
        JdbcLeases leases = new JdbcLeases(jdbc(), workerId, TERMS);
        leases.heartbeat("queue." + workerId, clock.instant());
        return leases;
    }

    @Test
    void aLeaseIsItsOwnersUntilItExpires() {
        JdbcLeases a = as("a");
        JdbcLeases b = as("b");
        assertThat(a.claim(1, clock.instant())).hasValue(1);
        assertThat(b.claim(1, clock.instant())).isEmpty();
        assertThat(b.lease(1)).contains(new Lease(new Owner("a", "queue.a"), TERMS.expiresAt(clock.instant()), 1));

        clock.advance(LEASE.minusMillis(1));
        assertThat(b.claim(1, clock.instant())).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.lease(1)).hasValueSatisfying(lease -> assertThat(lease.liveAt(clock.instant())).isFalse());
        assertThat(b.claim(1, clock.instant())).as("a new owner, a new fencing token").hasValue(2);
        assertThat(a.claim(1, clock.instant())).isEmpty();
        assertThat(a.lease(404)).as("never claimed").isEmpty();
    }

    @Test
    void renewingExtendsOnlyTheLeasesStillHeldUnderTheirToken() {
        JdbcLeases a = as("a");
        JdbcLeases b = as("b");
        a.claim(11, clock.instant());
        a.claim(12, clock.instant());
        clock.advance(TERMS.renewEvery());
        assertThat(a.renew(Map.of(11L, 1L, 12L, 1L), clock.instant())).containsExactlyInAnyOrder(11L, 12L);
        assertThat(a.lease(11).orElseThrow().expiresAt()).isEqualTo(TERMS.expiresAt(clock.instant()));

        clock.advance(LEASE);
        assertThat(b.claim(12, clock.instant())).hasValue(2);
        assertThat(a.renew(Map.of(11L, 1L, 12L, 1L), clock.instant())).as("an expired lease nobody took is renewed")
                .containsExactly(11L);
        assertThat(a.claim(11, clock.instant())).as("renewing one's own lease keeps its token").hasValue(1);
        assertThat(b.lease(12).orElseThrow().holder().workerId()).isEqualTo("b");
    }

    @Test
    void aLeaseThatChangedHandsAndCameBackIsNotRenewedUnderItsOldToken() {
        JdbcLeases a = as("a");
        JdbcLeases b = as("b");
        a.claim(13, clock.instant());
        clock.advance(LEASE);
        b.claim(13, clock.instant());
        b.release(Map.of(13L, 2L));
        assertThat(a.claim(13, clock.instant())).hasValue(3);

        assertThat(a.renew(Map.of(13L, 1L), clock.instant())).as("held by b in between").isEmpty();
        a.release(Map.of(13L, 1L));
        assertThat(a.lease(13).orElseThrow().liveAt(clock.instant())).as("a stale release leaves it alone").isTrue();
        assertThat(a.renew(Map.of(13L, 3L), clock.instant())).containsExactly(13L);
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndKeepsCountingTokens() {
        JdbcLeases a = as("a");
        JdbcLeases b = as("b");
        a.claim(21, clock.instant());
        a.release(Map.of(21L, 1L));
        assertThat(b.lease(21).orElseThrow().liveAt(clock.instant())).isFalse();
        assertThat(b.heldByOthers(clock.instant())).doesNotContain(21L);
        assertThat(b.claim(21, clock.instant())).hasValue(2);
        assertThat(a.heldByOthers(clock.instant())).contains(21L);
        assertThat(a.renew(Map.of(21L, 1L), clock.instant())).isEmpty();
    }

    @Test
    void aReleasedLeaseNobodyClaimedSinceIsRevivedByARenewalUnderItsToken() {
        JdbcLeases a = as("a");
        a.claim(22, clock.instant());
        a.release(Map.of(22L, 1L));
        assertThat(a.renew(Map.of(22L, 1L), clock.instant())).containsExactly(22L);
        assertThat(a.lease(22).orElseThrow().liveAt(clock.instant())).isTrue();
    }

    @Test
    void theSnapshotTellsTheLeaseAndWhoTheNamedWorkerIs() {
        as("c");
        JdbcLeases a = as("a");
        Instant heartbeat = clock.instant();
        a.claim(31, clock.instant());
        assertThat(a.snapshot(31, Optional.of("c"))).isEqualTo(new LeaseSnapshot(
                Optional.of(new Lease(new Owner("a", "queue.a"), TERMS.expiresAt(heartbeat), 1)),
                new NamedWorker.Registered(new Owner("c", "queue.c"), heartbeat)));
        assertThat(a.snapshot(32, Optional.of("never-started")))
                .isEqualTo(new LeaseSnapshot(Optional.empty(), new NamedWorker.NeverStarted("never-started")));
        assertThat(a.snapshot(32, Optional.of("a")).named()).as("naming oneself names nobody")
                .isEqualTo(new NamedWorker.None());
        assertThat(a.snapshot(32, Optional.empty()).named()).isEqualTo(new NamedWorker.None());
    }

    @Test
    void renewingAndReleasingManyNumbersAtOnceGoesInChunks() {
        JdbcLeases a = as("a");
        Map<Long, Long> tokens = new HashMap<>();
        List<Object[]> rows = new ArrayList<>();
        for (long number = 1000; number < 2200; number++) {
            tokens.put(number, 1L);
            rows.add(new Object[] {number, "a", TERMS.expiresAt(clock.instant()).toEpochMilli(), 1L});
        }
        // As 1200 claims would leave them, in one statement: a commit per claim is slow on PostgreSQL.
        jdbc().sql("INSERT INTO number_lease (number_id, owner_id, expires_at, token) VALUES :rows")
                .param("rows", rows).update();
        assertThat(a.renew(tokens, clock.instant())).hasSize(1200);
        a.release(tokens);
        assertThat(as("b").heldByOthers(clock.instant())).noneMatch(number -> number >= 1000 && number < 2200);
    }

    @Test
    void aWorkerSilentForALeaseTimeAndHoldingNoLiveLeaseIsFoundAndForgottenOnceItOwesNothing() {
        JdbcLeases alive = as("alive");
        JdbcLeases gone = as("gone");
        Instant goneLastSeen = clock.instant();
        gone.claim(41, clock.instant());
        clock.advance(TERMS.renewEvery());
        gone.claim(42, clock.instant()); // claimed between two heartbeats: outlives the last one
        jdbc().sql("INSERT INTO outbox (event_id, worker_id, seq, number_id, action, occurred_at, body, stored_at) "
                + "VALUES ('e-gone', 'gone', 1, 41, 'error', 0, '{}', 0)").update();
        clock.advance(LEASE.minus(TERMS.renewEvery()));
        alive.heartbeat("queue.alive", clock.instant());
        Instant since = clock.instant().minus(LEASE);

        assertThat(alive.workersSilentSince(since.plusMillis(1), clock.instant()))
                .as("its lease of 42 is still live").isEmpty();
        clock.advance(TERMS.renewEvery());
        since = clock.instant().minus(LEASE);
        assertThat(alive.workersSilentSince(since, clock.instant()))
                .containsExactly(new SilentWorker("gone", "queue.gone", goneLastSeen));
        assertThat(gone.workersSilentSince(since, clock.instant())).as("the living are not silent, nor is oneself")
                .isEmpty();

        assertThat(alive.forget("gone", since, clock.instant())).as("it still owes an event").isFalse();
        jdbc().sql("DELETE FROM outbox WHERE worker_id = 'gone'").update();
        assertThat(alive.forget("alive", since, clock.instant())).as("never oneself").isFalse();
        assertThat(alive.forget("gone", since, clock.instant())).isTrue();
        assertThat(alive.worker("gone")).isEqualTo(new NamedWorker.NeverStarted("gone"));
        assertThat(alive.workersSilentSince(since, clock.instant())).isEmpty();
    }

    @Test
    void aWorkerThatCameBackIsNotForgotten() {
        JdbcLeases alive = as("alive");
        JdbcLeases back = as("back");
        clock.advance(LEASE.plusSeconds(1));
        Instant since = clock.instant().minus(LEASE);
        alive.heartbeat("queue.alive", clock.instant());
        back.heartbeat("queue.back", clock.instant());

        assertThat(alive.forget("back", since, clock.instant())).isFalse();
        assertThat(alive.worker("back")).isInstanceOf(NamedWorker.Registered.class);
    }

    @Test
    void aWorkerSilentForALeaseTimeIsDeadAndStaysSoUntilItsNextHeartbeat() {
        JdbcLeases silent = as("silent-1");
        JdbcLeases survivor = as("survivor-1");
        silent.claim(41, clock.instant());
        clock.advance(LEASE.minusMillis(1));
        survivor.heartbeat("queue.survivor-1", clock.instant());
        assertThat(survivor.idsOfWorkersSilentSince(TERMS.deadIfSilentSince(clock.instant()))).doesNotContain("silent-1");

        clock.advance(Duration.ofMillis(1));
        Instant cutoff = TERMS.deadIfSilentSince(clock.instant());
        assertThat(survivor.idsOfWorkersSilentSince(cutoff)).contains("silent-1").doesNotContain("survivor-1");
        assertThat(survivor.holdIfSilentSince("silent-1", cutoff)).isTrue();
        assertThat(survivor.holderOf(41)).as("an expired lease still names its last holder").contains("silent-1");
        assertThat(survivor.holderOf(404)).isEmpty();

        silent.heartbeat("queue.silent-1", clock.instant());
        assertThat(survivor.holdIfSilentSince("silent-1", cutoff)).isFalse();
        assertThat(survivor.idsOfWorkersSilentSince(cutoff)).doesNotContain("silent-1");
    }
}
