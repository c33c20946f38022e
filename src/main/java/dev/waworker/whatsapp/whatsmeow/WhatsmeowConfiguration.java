package dev.waworker.whatsapp.whatsmeow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

import dev.waworker.config.SharedDatabase;
import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;

/** The real WhatsApp: active only with {@code whatsapp.client=whatsmeow}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "whatsapp.client", havingValue = "whatsmeow", matchIfMissing = true)
public class WhatsmeowConfiguration {

    /** The SQLite device store's file name inside {@code worker.data-dir}. */
    static final String SQLITE_FILE = "whatsmeow.db";

    private static final Logger log = LoggerFactory.getLogger(WhatsmeowConfiguration.class);

    /** Closing it on shutdown disconnects every client and closes the device store cleanly. */
    @Bean(destroyMethod = "close")
    WhatsmeowClientFactory whatsmeowClientFactory(WhatsAppProperties whatsApp, WorkerProperties worker,
                                                  MeterRegistry registry, ObjectProvider<SharedDatabase> shared) {
        WhatsAppProperties.Whatsmeow settings = whatsApp.whatsmeow();
        String sqlitePath = worker.dataDir().resolve(SQLITE_FILE).toString();
        // Workers sharing a database share the devices too, so that one can take over another's numbers.
        String sharedDsn = shared.getIfAvailable() == null ? "" : shared.getIfAvailable().goDsn();
        String dsn = settings.storeDsn().isEmpty() ? sharedDsn : settings.storeDsn();
        Wabridge.StoreConfig store = new Wabridge.StoreConfig(sqlitePath, dsn, settings.logLevel(),
                settings.proxy(), settings.effectiveWebsocketUrl(), settings.testServerRootKey(),
                settings.clientVersion());
        if (settings.usesTestServer()) {
            log.warn("""
                    TEST-SERVER MODE: every WhatsApp connection goes to the stand-in server at {} over plain \
                    WebSocket, and only certificates signed by its root key are trusted. No real phone can be \
                    linked in this mode; unset whatsapp.whatsmeow.test-server for production.""",
                    settings.testServer());
        }
        ClientVersionMetric versionMetric = new ClientVersionMetric(registry);
        WhatsmeowClientFactory factory = WhatsmeowClientFactory.open(new Wabridge(), store,
                new QrTtls(settings.firstQrTtl(), settings.nextQrTtl()), versionMetric::show);
        log.info("WhatsApp client: whatsmeow {}, device store {}, client version {} ({})",
                factory.whatsmeowVersion(),
                !settings.storeDsn().isEmpty() ? "PostgreSQL (whatsapp.whatsmeow.store-dsn)"
                        : dsn.isEmpty() ? "SQLite " + sqlitePath : "PostgreSQL (spring.datasource.url)",
                factory.clientVersion().version(), factory.clientVersion().source());
        return factory;
    }

    @Bean
    WhatsmeowHealthIndicator whatsmeowHealthIndicator(WhatsmeowClientFactory factory, WhatsAppProperties whatsApp) {
        return new WhatsmeowHealthIndicator(factory, whatsApp.whatsmeow());
    }
}
