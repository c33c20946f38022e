package dev.waworker.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a renewal lets go of, one row per situation of a number: held, renewed, with a session, claimed when. */
class LeaseUpkeepTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final LeaseTerms TERMS = new LeaseTerms(LEASE);
    private static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");
    private static final Instant LONG_AGO = NOW.minus(LEASE);
    private static final Instant JUST_NOW = NOW.minus(LEASE).plusMillis(1);
    private static final long N = 42;

    /** What becomes of number {@link #N}: forgotten, session dropped, claimed, given up, or nothing. */
    enum Fate {
        KEPT, LOST, LOST_WITH_ITS_SESSION, CLAIMED_FOR_ITS_SESSION, GIVEN_UP
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("renewed, with a session", held(LONG_AGO), true, true, Fate.KEPT),
                row("renewed, no session, claimed a lease ago", held(LONG_AGO), true, false, Fate.GIVEN_UP),
                row("renewed, no session, claimed just now", held(JUST_NOW), true, false, Fate.KEPT),
                row("not renewed (its token moved on), no session", held(LONG_AGO), false, false, Fate.LOST),
                row("not renewed, with a session", held(JUST_NOW), false, true, Fate.LOST_WITH_ITS_SESSION),
                row("not held, with a session", Map.of(), false, true, Fate.CLAIMED_FOR_ITS_SESSION),
                row("not held, no session", Map.of(), false, false, Fate.KEPT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesWhatARenewalLetsGo(String situation, Map<Long, HeldLeases.Held> held, boolean renewed,
            boolean live, Fate expected) {
        LeaseUpkeep upkeep = LeaseUpkeep.decide(held, renewed ? Set.of(N) : Set.of(), live ? Set.of(N) : Set.of(),
                TERMS, NOW);
        assertThat(fate(upkeep)).isEqualTo(expected);
    }

    private static Fate fate(LeaseUpkeep upkeep) {
        if (upkeep.dropSessions().contains(N)) {
            assertThat(upkeep.lost()).contains(N);
            return Fate.LOST_WITH_ITS_SESSION;
        }
        if (upkeep.lost().contains(N)) {
            return Fate.LOST;
        }
        if (upkeep.unleased().contains(N)) {
            return Fate.CLAIMED_FOR_ITS_SESSION;
        }
        return upkeep.idle().contains(N) ? Fate.GIVEN_UP : Fate.KEPT;
    }

    private static Arguments row(String situation, Map<Long, HeldLeases.Held> held, boolean renewed, boolean live,
            Fate expected) {
        return Arguments.of(situation, held, renewed, live, expected);
    }

    private static Map<Long, HeldLeases.Held> held(Instant claimedAt) {
        return Map.of(N, new HeldLeases.Held(3, claimedAt));
    }
}
