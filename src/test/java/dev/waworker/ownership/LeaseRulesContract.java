package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

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
        assertThat(b.owner(1, clock.instant())).contains(new Owner("a", "queue.a"));

        clock.advance(LEASE.minusMillis(1));
        assertThat(b.claim(1, clock.instant())).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.owner(1, clock.instant())).isEmpty();
        assertThat(b.claim(1, clock.instant())).as("a new owner, a new fencing token").hasValue(2);
        assertThat(a.claim(1, clock.instant())).isEmpty();
    }

    @Test
    void renewingKeepsOnlyTheLeasesStillHeld() {
        JdbcLeases a = as("a");
        JdbcLeases b = as("b");
        a.claim(11, clock.instant());
        a.claim(12, clock.instant());
        clock.advance(TERMS.renewEvery());
        assertThat(a.renewAll(clock.instant())).containsExactlyInAnyOrder(11L, 12L);

        clock.advance(LEASE);
        assertThat(b.claim(12, clock.instant())).isPresent();
        assertThat(a.renewAll(clock.instant())).containsExactly(11L);
        assertThat(a.claim(11, clock.instant())).as("renewing one's own lease keeps its token").hasValue(1);
    }

    @Test
    void aReleasedLeaseIsFreeAtOnceAndKeepsCountingTokens() {
        JdbcLeases a = as("a");
        JdbcLeases b = as("b");
        a.claim(21, clock.instant());
        a.release(List.of(21L));
        assertThat(a.renewAll(clock.instant())).doesNotContain(21L);
        assertThat(b.owner(21, clock.instant())).isEmpty();
        OptionalLong token = b.claim(21, clock.instant());
        assertThat(token).hasValue(2);
        assertThat(a.heldByOthers(clock.instant())).contains(21L);
    }

    @Test
    void theRegistryTellsWhoEverStartedAndWhen() {
        as("c");
        JdbcLeases a = as("a");
        Instant heartbeat = clock.instant();
        assertThat(a.worker("c")).hasValueSatisfying(registered -> {
            assertThat(registered.owner()).isEqualTo(new Owner("c", "queue.c"));
            assertThat(registered.heartbeatAt()).isEqualTo(heartbeat);
        });
        assertThat(a.worker("never-started")).isEmpty();
        assertThat(TERMS.alive(heartbeat, clock.instant().plus(LEASE))).as("dead one lease after").isFalse();
    }
}
