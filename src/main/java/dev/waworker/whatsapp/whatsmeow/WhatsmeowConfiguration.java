package dev.waworker.whatsapp.whatsmeow;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;

/** The real WhatsApp: active only with {@code whatsapp.client=whatsmeow}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "whatsapp.client", havingValue = "whatsmeow", matchIfMissing = true)
public class WhatsmeowConfiguration {

    /** The SQLite device store's file name inside {@code worker.data-dir}. */
    static final String SQLITE_FILE = "whatsmeow.db";

    /** Closing it on shutdown disconnects every client and closes the device store cleanly. */
    @Bean(destroyMethod = "close")
    WhatsmeowClientFactory whatsmeowClientFactory(WhatsAppProperties whatsApp, WorkerProperties worker) {
        WhatsAppProperties.Whatsmeow settings = whatsApp.whatsmeow();
        Wabridge.StoreConfig store = new Wabridge.StoreConfig(
                worker.dataDir().resolve(SQLITE_FILE).toString(), settings.storeDsn(), settings.logLevel(),
                settings.proxy(), settings.websocketUrl());
        return WhatsmeowClientFactory.open(new Wabridge(), store,
                new QrTtls(settings.firstQrTtl(), settings.nextQrTtl()));
    }
}
