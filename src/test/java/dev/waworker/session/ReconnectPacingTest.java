package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.waworker.testing.BusiestSecond;
import dev.waworker.testing.ManualClock;

/** The reconnect pacing on a manual clock: never more than the rate in any second, everyone's turn comes. */
class ReconnectPacingTest {

    private static final Instant START = Instant.parse("2026-12-02T23:00:00Z");

    private final ManualClock clock = new ManualClock(START);

    @Test
    void withoutJitterTheTurnsAreEvenlySpaced() {
        ReconnectPacing pacing = new ReconnectPacing(5, Duration.ZERO, clock, new Random(1));

        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waits.add(pacing.reserve());
        }

        assertThat(waits).extracting(Duration::toMillis).containsExactly(0L, 200L, 400L, 600L, 800L, 1000L, 1200L);
    }

    @Test
    void theJitterMovesEachTurnLaterByAtMostItsBoundAndTheTurnsMakeRoomForIt() {
        Duration jitter = Duration.ofMillis(100);
        ReconnectPacing pacing = new ReconnectPacing(5, jitter, clock, new Random(7));
        Duration spacing = Duration.ofMillis(220); // (1 s + 100 ms) / 5

        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            waits.add(pacing.reserve());
        }

        List<Duration> jitters = new ArrayList<>();
        for (int i = 0; i < waits.size(); i++) {
            Duration slot = spacing.multipliedBy(i);
            assertThat(waits.get(i)).isBetween(slot, slot.plus(jitter));
            jitters.add(waits.get(i).minus(slot));
        }
        assertThat(jitters.stream().distinct()).as("the jitter is random, not constant").hasSizeGreaterThan(100);
        assertThat(BusiestSecond.of(waits.stream().map(START::plus).toList())).isLessThanOrEqualTo(5);
    }

    @Test
    void aQuietPacingAdmitsAtOnceAndTheTurnsStartAgainFromNow() {
        ReconnectPacing pacing = new ReconnectPacing(5, Duration.ZERO, clock, new Random(1));
        pacing.reserve();
        pacing.reserve();

        clock.advance(Duration.ofMinutes(1));

        assertThat(pacing.reserve()).isZero();
        assertThat(pacing.admit()).isEqualTo(admitted());
    }

    @Test
    void admitsTheRateInOneSecondThenSaysHowLongUntilTheNext() {
        ReconnectPacing pacing = new ReconnectPacing(3, Duration.ZERO, clock, new Random(1));

        assertThat(pacing.admit()).isEqualTo(admitted());
        clock.advance(Duration.ofMillis(100));
        assertThat(pacing.admit()).isEqualTo(admitted());
        assertThat(pacing.admit()).isEqualTo(admitted());
        assertThat(pacing.admit()).isEqualTo(notYet(900));

        clock.advance(Duration.ofMillis(899));
        assertThat(pacing.admit()).as("a millisecond early").isEqualTo(notYet(1));
        clock.advance(Duration.ofMillis(1));
        assertThat(pacing.admit()).isEqualTo(admitted());
        assertThat(pacing.admit()).isEqualTo(notYet(100));
    }

    /**
     * The runner's loop, simulated: N devices come back at once, each waits for its reserved turn, reaches it late
     * by a random lane delay (a busy box), asks to be admitted and waits again when refused. Every device
     * connects, never more than the rate in any one-second window, none before its turn.
     */
    @ParameterizedTest
    @CsvSource({"5, 0, 20, 0", "5, 100, 20, 300", "50, 100, 1000, 250", "50, 900, 500, 50", "1, 0, 4, 1500"})
    void everyDeviceConnectsAndNoSecondHoldsMoreThanTheRate(int rate, long jitterMillis, int devices,
            long maxLaneDelayMillis) {
        for (long seed = 0; seed < 5; seed++) {
            Random random = new Random(seed);
            ManualClock simulated = new ManualClock(START);
            ReconnectPacing pacing = new ReconnectPacing(rate, Duration.ofMillis(jitterMillis), simulated, random);
            record Due(Instant at, int device) {
            }
            PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparing(Due::at).thenComparing(Due::device));
            List<Instant> turns = new ArrayList<>();
            for (int device = 0; device < devices; device++) {
                Instant turn = START.plus(pacing.reserve());
                turns.add(turn);
                due.add(new Due(turn.plusMillis(random.nextLong(maxLaneDelayMillis + 1)), device));
            }
            List<Instant> starts = new ArrayList<>();
            while (!due.isEmpty()) {
                Due next = due.poll();
                simulated.set(next.at());
                switch (pacing.admit()) {
                    case ReconnectPacing.Admission.Admitted(Instant at) -> {
                        starts.add(at);
                        assertThat(at).isEqualTo(next.at()).isAfterOrEqualTo(turns.get(next.device()));
                    }
                    case ReconnectPacing.Admission.NotYet(Duration retryAfter) ->
                            due.add(new Due(next.at().plus(retryAfter), next.device()));
                }
            }

            assertThat(starts).as("seed %d", seed).hasSize(devices);
            assertThat(BusiestSecond.of(starts)).as("seed %d", seed).isLessThanOrEqualTo(rate);
        }
    }

    private ReconnectPacing.Admission admitted() {
        return new ReconnectPacing.Admission.Admitted(clock.instant());
    }

    private static ReconnectPacing.Admission notYet(long millis) {
        return new ReconnectPacing.Admission.NotYet(Duration.ofMillis(millis));
    }

    @Test
    void refusesARateBelowOneAndAJitterOfASecondOrMore() {
        assertThatThrownBy(() -> new ReconnectPacing(0, Duration.ZERO, clock, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        assertThatThrownBy(() -> new ReconnectPacing(5, Duration.ofSeconds(1), clock, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
        assertThatThrownBy(() -> new ReconnectPacing(5, Duration.ofMillis(-1), clock, new Random(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    }
}
