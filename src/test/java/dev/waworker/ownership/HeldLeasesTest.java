package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The tokens this worker holds: a claim under a new token tells that the number changed hands in between. */
class HeldLeasesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final HeldLeases held = new HeldLeases();

    @Test
    void aClaimUnderTheSameTokenContinuesTheLeaseAndAnotherTokenDoesNot() {
        assertThat(held.token(5)).isEmpty();
        assertThat(held.claimed(5, 1, T0)).isTrue();
        assertThat(held.claimed(5, 1, T0.plusSeconds(1))).isTrue();
        assertThat(held.token(5)).hasValue(1);
        assertThat(held.claimed(5, 3, T0.plusSeconds(2))).as("someone else held it under token 2").isFalse();
        assertThat(held.token(5)).hasValue(3);
    }

    @Test
    void forgettingALeaseThatWasClaimedAgainMeanwhileKeepsIt() {
        held.claimed(6, 1, T0);
        HeldLeases.Held seen = held.all().get(6L);
        held.claimed(6, 1, T0.plusSeconds(1));
        held.forget(6, seen);
        assertThat(held.token(6)).hasValue(1);
        held.forget(6, held.all().get(6L));
        assertThat(held.token(6)).isEmpty();
    }
}
