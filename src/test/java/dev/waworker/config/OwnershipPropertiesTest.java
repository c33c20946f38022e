package dev.waworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class OwnershipPropertiesTest {

    @Test
    void theQueueExpiryIsFourLeaseTimesWhenNotSet() {
        assertThat(new OwnershipProperties(Duration.ofSeconds(15), 10, null).queueExpiry())
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(new OwnershipProperties(Duration.ofSeconds(15), 10, Duration.ofMinutes(10)).queueExpiry())
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aQueueExpiryShorterThanTwoLeaseTimesIsRefused() {
        assertThat(new OwnershipProperties(Duration.ofSeconds(15), 10, Duration.ofSeconds(30)).queueExpiry())
                .isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> new OwnershipProperties(Duration.ofSeconds(15), 10, Duration.ofSeconds(29)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("worker.ownership.queue-expiry must be at least twice");
        assertThatThrownBy(() -> new OwnershipProperties(Duration.ofSeconds(15), 10, Duration.ofDays(25)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
