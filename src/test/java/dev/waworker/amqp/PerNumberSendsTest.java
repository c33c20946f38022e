package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.waworker.store.OwedEvent;

/** The relay's per-number order: one event on its way per number, the others of that number wait behind it. */
class PerNumberSendsTest {

    private final PerNumberSends sends = new PerNumberSends();

    static OwedEvent event(String eventId, long numberId, long seq) {
        return new OwedEvent(eventId, numberId, seq, "status", Instant.EPOCH, Optional.empty(), "{}", Instant.EPOCH,
                Optional.empty(), Optional.empty());
    }

    @Test
    void aNumbersFirstEventGoesAtOnceAndOtherNumbersDoNotWaitForIt() {
        assertThat(sends.take(event("a1", 1, 1))).map(OwedEvent::eventId).contains("a1");
        assertThat(sends.take(event("b1", 2, 2))).map(OwedEvent::eventId).contains("b1");
        assertThat(sends.onTheirWay()).isEqualTo(2);
    }

    @Test
    void aNumbersNextEventWaitsForTheConfirmOfThePreviousOneInTheOrderTheyWereTaken() {
        sends.take(event("a1", 1, 1));
        assertThat(sends.take(event("a2", 1, 2))).isEmpty();
        assertThat(sends.take(event("a3", 1, 3))).isEmpty();

        assertThat(sends.confirmed(event("a1", 1, 1))).map(OwedEvent::eventId).contains("a2");
        assertThat(sends.confirmed(event("a2", 1, 2))).map(OwedEvent::eventId).contains("a3");
        assertThat(sends.confirmed(event("a3", 1, 3))).isEmpty();
        assertThat(sends.onTheirWay()).isZero();
    }

    @Test
    void aConfirmedEventStaysTakenUntilStruckOffSoThatItIsNotReadAsOwedAgain() {
        sends.take(event("a1", 1, 1));
        sends.take(event("a2", 1, 2));
        sends.confirmed(event("a1", 1, 1));

        assertThat(sends.taken()).containsExactlyInAnyOrder("a1", "a2");
        sends.struckOff(java.util.List.of("a1"));
        assertThat(sends.taken()).containsExactly("a2");
    }

    @Test
    void aFailureLetsItsNumbersWaitingEventsGoSoThatTheyAreTakenAgainInOrder() {
        sends.take(event("a1", 1, 1));
        sends.take(event("a2", 1, 2));
        sends.take(event("b1", 2, 3));

        sends.failed(event("a1", 1, 1));

        assertThat(sends.taken()).containsExactly("b1");
        assertThat(sends.take(event("a1", 1, 1))).map(OwedEvent::eventId).contains("a1");
    }

    @Test
    void lettingTheWaitingGoKeepsOnlyTheEventsOnTheirWay() {
        sends.take(event("a1", 1, 1));
        sends.take(event("a2", 1, 2));
        sends.take(event("a3", 1, 3));
        sends.take(event("b1", 2, 4));

        assertThat(sends.letWaitingGo()).isEqualTo(2);

        assertThat(sends.taken()).containsExactlyInAnyOrder("a1", "b1");
        assertThat(sends.confirmed(event("a1", 1, 1))).isEmpty();
        assertThat(sends.onTheirWay()).isEqualTo(1);
    }

    @Test
    void anEventTakenTwiceOrSettledOutOfTurnIsAProgrammingError() {
        sends.take(event("a1", 1, 1));
        sends.take(event("a2", 1, 2));

        assertThatThrownBy(() -> sends.take(event("a1", 1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sends.confirmed(event("a2", 1, 2))).isInstanceOf(IllegalStateException.class);
    }
}
