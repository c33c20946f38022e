package dev.waworker.whatsapp.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;
import dev.waworker.testing.LogCapture;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.WhatsAppClient;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/** The simulator and its HTTP controller exist in simulated mode, the default, and in no other mode. */
class SimulatorConfigurationTest {

    @TempDir
    Path dataDir;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({WhatsAppProperties.class, WorkerProperties.class})
    static class Properties {
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withUserConfiguration(SimulatorConfiguration.class, SimulatorController.class)
                .withPropertyValues("worker.data-dir=" + dataDir, "worker.id=test-worker");
    }

    @Test
    void theSimulatorDeliversEventsOnItsOwnThread() {
        runner().withUserConfiguration(Properties.class).withPropertyValues("whatsapp.client=simulated").run(context -> {
            assertThat(context).hasSingleBean(WhatsAppClientFactory.class).hasSingleBean(SimulatorController.class);
            RecordingListener listener = new RecordingListener();

            context.getBean(WhatsAppClientFactory.class).open(new ClientSpec(6, "+221771234567"), listener).connect();

            await().atMost(Duration.ofSeconds(5)).until(() -> !listener.deliveries().isEmpty());
            RecordingListener.Delivery delivery = listener.deliveries().getFirst();
            assertThat(delivery.event()).isInstanceOfSatisfying(ClientEvent.QrCodes.class,
                    batch -> assertThat(batch.codes()).hasSize(6));
            assertThat(delivery.threadName()).isEqualTo("simulated-whatsapp");
        });
    }

    @Test
    void theStartUpLogSaysWhichWhatsAppIsActiveAndWhereItsDevicesAre() {
        try (LogCapture logs = LogCapture.of(SimulatorConfiguration.class)) {
            runner().withUserConfiguration(Properties.class).withPropertyValues("whatsapp.client=simulated")
                    .run(context -> assertThat(context).hasNotFailed());

            assertThat(logs.messagesAboveDebug()).containsExactly("WhatsApp client: simulated (in-process, no real "
                    + "phone can link; play the phone at /simulator/**), device store "
                    + dataDir.resolve("simulator-devices.json"));
        }
    }

    @Test
    void theSimulatorReadsItsSettingsAndStoreFromTheWorkersConfiguration() {
        runner().withUserConfiguration(Properties.class)
                .withPropertyValues("whatsapp.client=simulated", "whatsapp.simulator.refs-per-connection=2")
                .run(context -> {
                    RecordingListener listener = new RecordingListener();
                    context.getBean(WhatsAppClientFactory.class).open(new ClientSpec(6, "+221771234567"), listener)
                            .connect();
                    await().atMost(Duration.ofSeconds(5)).until(() -> !listener.events().isEmpty());
                    assertThat(listener.events().getFirst()).isInstanceOfSatisfying(ClientEvent.QrCodes.class,
                            batch -> assertThat(batch.codes()).hasSize(2));

                    context.getBean(SimulatedWhatsApp.class).scan(6, Optional.empty());
                    assertThat(dataDir.resolve(SimulatedDeviceStore.FILE_NAME)).exists();
                });
    }

    @Test
    void pairingCodesLiveWhatsAppsTimeUnlessConfiguredOtherwise() {
        runner().withUserConfiguration(Properties.class)
                .withPropertyValues("whatsapp.client=simulated")
                .run(context -> assertThat(codeTtlOf(context.getBean(WhatsAppClientFactory.class)))
                        .isEqualTo(Duration.ofSeconds(160)));
        runner().withUserConfiguration(Properties.class)
                .withPropertyValues("whatsapp.client=simulated", "whatsapp.simulator.pairing-code-ttl=45s")
                .run(context -> assertThat(codeTtlOf(context.getBean(WhatsAppClientFactory.class)))
                        .isEqualTo(Duration.ofSeconds(45)));
    }

    /** Connects number 6, waits for its pairing connection and asks for a code: its ttl. */
    private static Duration codeTtlOf(WhatsAppClientFactory factory) {
        RecordingListener listener = new RecordingListener();
        WhatsAppClient client = factory.open(new ClientSpec(6, "+221771234567"), listener);
        client.connect();
        await().atMost(Duration.ofSeconds(5)).until(() -> !listener.events().isEmpty());
        return client.requestPairingCode().ttl();
    }

    @Test
    void inAnotherModeNeitherTheSimulatorNorItsControllerExist() {
        runner().withPropertyValues("whatsapp.client=whatsmeow").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(SimulatedWhatsApp.class)
                    .doesNotHaveBean(WhatsAppClientFactory.class)
                    .doesNotHaveBean(SimulatorController.class);
        });
    }

    @Test
    void theSimulatorIsNotTheDefault() {
        runner().run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SimulatedWhatsApp.class)
                .doesNotHaveBean(SimulatorController.class));
    }
}
