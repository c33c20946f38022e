package dev.waworker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code whatsapp.reconnect.*}: a rate from 1 to 10,000 per second, a jitter from 0 to under a second. */
class ReconnectPropertiesTest {

    @ParameterizedTest
    @CsvSource({"1, 0", "50, 100", "10000, 999"})
    void acceptsSensibleSettings(int rate, long jitterMillis) {
        WhatsAppProperties.Reconnect reconnect = new WhatsAppProperties.Reconnect(rate, Duration.ofMillis(jitterMillis));

        assertThat(reconnect.ratePerSecond()).isEqualTo(rate);
    }

    @ParameterizedTest
    @CsvSource({"0", "-5", "10001"})
    void refusesARateOutOfRange(int rate) {
        assertThatThrownBy(() -> new WhatsAppProperties.Reconnect(rate, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("whatsapp.reconnect.rate-per-second must be from 1 to 10000, was " + rate);
    }

    @ParameterizedTest
    @CsvSource({"-1", "1000", "5000"})
    void refusesAJitterOutOfRange(long jitterMillis) {
        assertThatThrownBy(() -> new WhatsAppProperties.Reconnect(50, Duration.ofMillis(jitterMillis)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("whatsapp.reconnect.jitter must be from 0 to under 1s, was ");
    }
}
