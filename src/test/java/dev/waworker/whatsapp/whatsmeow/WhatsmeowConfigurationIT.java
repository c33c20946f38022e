package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

import dev.waworker.config.SharedDatabase;
import dev.waworker.testing.MigratedDatabase;
import dev.waworker.testing.TestPostgres;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;

class WhatsmeowConfigurationIT {

    @TempDir
    Path dataDir;

    @EnableConfigurationProperties({WhatsAppProperties.class, WorkerProperties.class})
    static class Properties {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, WhatsmeowConfiguration.class);

    @Test
    void withWhatsmeowSelectedTheFactoryOpensTheStoreInTheDataDirAndClosesItWithTheContext() {
        context.withPropertyValues("whatsapp.client=whatsmeow", "worker.data-dir=" + dataDir,
                        "whatsapp.whatsmeow.log-level=WARN")
                .run(running -> {
                    assertThat(running).hasSingleBean(WhatsmeowClientFactory.class);
                    assertThat(dataDir.resolve("whatsmeow.db")).exists();
                    // No route to web.whatsapp.com here: whatsmeow's own version stays, and says so.
                    Health health = running.getBean(WhatsmeowHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("testServer", false)
                            .containsEntry("clientVersion", NativeFixture.BUILT_IN_CLIENT_VERSION)
                            .containsKey("clientVersionSource").containsKey("whatsmeow");
                    Gauge version = running.getBean(MeterRegistry.class).find("whatsapp.client.version")
                            .tag("version", NativeFixture.BUILT_IN_CLIENT_VERSION).gauge();
                    assertThat(version).isNotNull();
                    assertThat(version.value()).isEqualTo(1.0);
                });
        // The context closed the factory: the library's single store is free again.
        Wabridge bridge = new Wabridge();
        bridge.openStore(NativeFixture.sqliteStore(dataDir, ""));
        bridge.closeStore();
    }

    @Test
    void withASharedPostgresqlTheDeviceStoreLivesThereUnlessAStoreDsnIsSet() {
        TestPostgres.Database database = TestPostgres.freshDatabase("whatsmeow_store");
        try (MigratedDatabase migrated = MigratedDatabase.on(database)) {
            SharedDatabase shared = new SharedDatabase(migrated.jdbc(),
                    SharedDatabase.goDsn(database.url(), TestPostgres.USER, TestPostgres.PASSWORD));
            context.withBean(SharedDatabase.class, () -> shared)
                    .withPropertyValues("whatsapp.client=whatsmeow", "worker.data-dir=" + dataDir,
                            "whatsapp.whatsmeow.log-level=WARN")
                    .run(running -> {
                        assertThat(running).hasSingleBean(WhatsmeowClientFactory.class);
                        assertThat(dataDir.resolve("whatsmeow.db")).doesNotExist();
                        assertThat(migrated.jdbc().sql("SELECT COUNT(*) FROM information_schema.tables"
                                + " WHERE table_name = 'whatsmeow_device'").query(Long.class).single()).isEqualTo(1);
                    });
        } finally {
            database.drop();
        }
    }

    @Test
    void whatsmeowIsThePackagedDefaultWithWhatsAppsOwnTimings() {
        context.withInitializer(new ConfigDataApplicationContextInitializer())
                .withPropertyValues("worker.data-dir=" + dataDir)
                .run(running -> {
                    WhatsAppProperties.Whatsmeow defaults = running.getBean(WhatsAppProperties.class).whatsmeow();
                    assertThat(defaults.firstQrTtl()).isEqualTo(Duration.ofSeconds(60));
                    assertThat(defaults.nextQrTtl()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(defaults.connectAttempts()).isEqualTo(3);
                    assertThat(defaults.connectBackoff()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(defaults.logLevel()).isEqualTo("INFO");
                    assertThat(defaults.storeDsn()).isEmpty();
                    assertThat(defaults.proxy()).isEmpty();
                    assertThat(defaults.websocketUrl()).isEmpty();
                    assertThat(running.getBean(WhatsAppProperties.class).client())
                            .isEqualTo(WhatsAppProperties.ClientKind.WHATSMEOW);
                    assertThat(running).hasSingleBean(WhatsmeowClientFactory.class);
                });
    }

    @Test
    void withTheSimulatorSelectedNoNativeFactoryIsMade() {
        context.withPropertyValues("whatsapp.client=simulated", "worker.data-dir=" + dataDir)
                .run(running -> assertThat(running).doesNotHaveBean(WhatsmeowClientFactory.class));
    }

    @Test
    void aQrLifetimeBeyondWhatsAppsFailsTheStartup() {
        context.withPropertyValues("whatsapp.client=whatsmeow", "worker.data-dir=" + dataDir,
                        "whatsapp.whatsmeow.next-qr-ttl=30s")
                .run(running -> assertThat(running).hasFailed()
                        .getFailure().rootCause().hasMessageContaining("next-qr-ttl must be more than 0 and at most 20s"));
    }
}
