package dev.waworker.whatsapp.whatsmeow;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.waworker.config.WhatsAppProperties;

/**
 * The {@code whatsmeow} part of {@code /actuator/health}: which whatsmeow and which WhatsApp Web client version
 * the worker speaks with, and whether it talks to a stand-in server instead of WhatsApp. Always UP once the
 * library is loaded: whether WhatsApp answers is each number's business, reported in its events.
 */
final class WhatsmeowHealthIndicator implements HealthIndicator {

    private final WhatsmeowClientFactory factory;
    private final WhatsAppProperties.Whatsmeow settings;

    WhatsmeowHealthIndicator(WhatsmeowClientFactory factory, WhatsAppProperties.Whatsmeow settings) {
        this.factory = factory;
        this.settings = settings;
    }

    @Override
    public Health health() {
        ClientVersionInUse version = factory.clientVersion();
        Health.Builder health = Health.up()
                .withDetail("whatsmeow", factory.whatsmeowVersion())
                .withDetail("clientVersion", version.version())
                .withDetail("clientVersionSource", version.source());
        if (settings.usesTestServer()) {
            health.withDetail("testServer", settings.testServer() + " (NOT WhatsApp: a stand-in server)");
        } else {
            health.withDetail("testServer", false);
        }
        return health.build();
    }
}
