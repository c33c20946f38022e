package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the relay may send: the fencing rule, on a table of cases. */
class OwedEventTest {

    @ParameterizedTest(name = "written under the lease of [{0}], number now held by [{1}]: stale {2}")
    @CsvSource(nullValues = "-", value = {
            // no lease behind the event (the answer to a refused command): always sent
            "-, w2, false",
            "-, -, false",
            // a number nobody ever claimed (the embedded SQLite, one worker)
            "w1, -, false",
            // its worker holds the number, or held it last (a validation that ended, its lease released)
            "w1, w1, false",
            // another worker took the number: what w1 wrote since is stale
            "w1, w2, true"})
    void anEventIsStaleOnlyWhenItsNumberWentToAnotherWorker(String leaseHolder, String numberOwner, boolean stale) {
        OwedEvent event = new OwedEvent("e", 1, 1, "error", Instant.EPOCH, Optional.empty(), "{}", Instant.EPOCH,
                Optional.ofNullable(leaseHolder), Optional.ofNullable(numberOwner));

        assertThat(event.writtenUnderALostLease()).isEqualTo(stale);
    }
}
