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
    void aWorkerSilentForALeaseTimeIsDeadAndStaysSoUntilItsNextHeartbeat() {
        JdbcLeases silent = as("silent-1");
        JdbcLeases survivor = as("survivor-1");
        silent.claim(41, clock.instant());
        clock.advance(LEASE.minusMillis(1));
        survivor.heartbeat("queue.survivor-1", clock.instant());
        assertThat(survivor.workersSilentSince(TERMS.deadIfSilentSince(clock.instant()))).doesNotContain("silent-1");

        clock.advance(Duration.ofMillis(1));
        Instant cutoff = TERMS.deadIfSilentSince(clock.instant());
        assertThat(survivor.workersSilentSince(cutoff)).contains("silent-1").doesNotContain("survivor-1");
        assertThat(survivor.holdIfSilentSince("silent-1", cutoff)).isTrue();
        assertThat(survivor.holderOf(41)).as("an expired lease still names its last holder").contains("silent-1");
        assertThat(survivor.holderOf(404)).isEmpty();

        silent.heartbeat("queue.silent-1", clock.instant());
        assertThat(survivor.holdIfSilentSince("silent-1", cutoff)).isFalse();
        assertThat(survivor.workersSilentSince(cutoff)).doesNotContain("silent-1");
    }
}
