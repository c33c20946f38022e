package dev.waworker.whatsapp.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.waworker.config.WhatsAppProperties;

class QrBatchTest {

    private static final Instant ISSUED = Instant.parse("2025-12-06T14:00:00Z");

    private final QrBatch batch = QrBatch.issue(CompanionKeys.generate(new SecureRandom()),
            new WhatsAppProperties.Simulator(Duration.ofSeconds(60), Duration.ofSeconds(20), 3,
                    Duration.ofSeconds(160)), ISSUED,
            new SecureRandom());

    @Test
    void eachRefIsLiveDuringItsOwnWindowOnly() {
        assertThat(batch.liveIndexAt(ISSUED.minusMillis(1))).isEmpty();
        assertThat(batch.liveIndexAt(ISSUED)).isEqualTo(OptionalInt.of(0));
        assertThat(batch.liveIndexAt(ISSUED.plusMillis(59_999))).isEqualTo(OptionalInt.of(0));
        assertThat(batch.liveIndexAt(ISSUED.plusSeconds(60))).isEqualTo(OptionalInt.of(1));
        assertThat(batch.liveIndexAt(ISSUED.plusMillis(79_999))).isEqualTo(OptionalInt.of(1));
        assertThat(batch.liveIndexAt(ISSUED.plusSeconds(80))).isEqualTo(OptionalInt.of(2));
        assertThat(batch.liveIndexAt(ISSUED.plusMillis(99_999))).isEqualTo(OptionalInt.of(2));
        assertThat(batch.liveIndexAt(ISSUED.plusSeconds(100))).isEmpty();
    }

    @Test
    void theBatchCarriesTheConfiguredCountAndLifetimes() {
        assertThat(batch.codes().codes()).hasSize(3);
        assertThat(batch.codes().firstTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(batch.codes().nextTtl()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void itsTextNeverShowsTheCodes() {
        assertThat(batch.toString()).doesNotContain("wa.me").doesNotContain("2@");
    }
}
