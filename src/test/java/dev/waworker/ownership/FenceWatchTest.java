package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.waworker.testing.ManualClock;

/** Fencing on the manual clock: a worker that cannot renew drops its sessions a third of a lease before expiry. */
class FenceWatchTest {

    private static final Duration LEASE = Duration.ofSeconds(15);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LeaseTerms terms = new LeaseTerms(LEASE);
    private final FenceWatch fence = new FenceWatch(terms);

    @Test
    void renewalsEveryThirdOfTheLeaseKeepTheSessions() {
        fence.renewed(clock.instant());
        for (int i = 0; i < 10; i++) {
            clock.advance(terms.renewEvery());
            assertThat(fence.fenceDue(clock.instant())).isFalse();
            fence.renewed(clock.instant());
        }
    }

    @Test
    void twoMissedRenewalsFenceOnceAndBeforeTheLeaseExpires() {
        Instant renewed = clock.instant();
        fence.renewed(renewed);
        clock.advance(Duration.ofSeconds(9).plusMillis(999));
        assertThat(fence.fenceDue(clock.instant())).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(fence.fenceDue(clock.instant())).isTrue();
        assertThat(fence.fenceDue(clock.instant())).as("once per outage").isFalse();
        // A third of the lease is left before anyone else may claim the numbers.
        assertThat(Duration.between(clock.instant(), terms.expiresAt(renewed))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aRenewalAfterAFenceArmsItAgain() {
        fence.renewed(clock.instant());
        clock.advance(LEASE);
        assertThat(fence.fenceDue(clock.instant())).isTrue();
        fence.renewed(clock.instant());
        clock.advance(terms.renewEvery());
        assertThat(fence.fenceDue(clock.instant())).isFalse();
        clock.advance(terms.renewEvery());
        assertThat(fence.fenceDue(clock.instant())).isTrue();
    }

    @Test
    void aWorkerIsAliveForOneLeaseAfterItsHeartbeat() {
        Instant heartbeat = clock.instant();
        assertThat(terms.alive(heartbeat, heartbeat.plus(LEASE).minusMillis(1))).isTrue();
        assertThat(terms.alive(heartbeat, heartbeat.plus(LEASE))).isFalse();
    }
}
