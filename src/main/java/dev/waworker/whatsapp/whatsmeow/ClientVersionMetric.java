package dev.waworker.whatsapp.whatsmeow;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * {@code whatsapp.client.version}: an info gauge, always 1, whose tags name the WhatsApp Web version the clients
 * announce and its source. The version changes at run time (after a 405), so the one row is replaced each time.
 */
final class ClientVersionMetric {

    private final MultiGauge gauge;

    ClientVersionMetric(MeterRegistry registry) {
        this.gauge = MultiGauge.builder("whatsapp.client.version")
                .description("The WhatsApp Web client version in use (tags version and source); always 1")
                .register(registry);
    }

    void show(ClientVersionInUse version) {
        gauge.register(List.of(MultiGauge.Row.of(Tags.of("version", version.version(), "source", version.source()),
                1)), true);
    }
}
