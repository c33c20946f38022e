package dev.waworker.whatsapp.simulated;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.waworker.config.SharedDatabase;
import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;

/** The simulated network and its client factory, in {@code whatsapp.client=simulated} mode only. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSimulatedWhatsApp
public class SimulatorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SimulatorConfiguration.class);

    @Bean
    SimulatorEventThread simulatorEventThread() {
        return new SimulatorEventThread();
    }

    /**
     * Uses the application's {@link Clock} when it defines one, so that the whole worker shares one time. Says at
     * start-up that this is no real WhatsApp, and where its devices are kept (whatsmeow's factory says the same).
     */
    @Bean
    SimulatedWhatsApp simulatedWhatsApp(WhatsAppProperties whatsApp, WorkerProperties worker,
            ObjectProvider<Clock> clock, SimulatorEventThread eventThread, ObjectProvider<SharedDatabase> shared) {
        // With a shared database the devices live there, so that another worker can take a number over.
        SharedDatabase database = shared.getIfAvailable();
        DeviceStore store = database == null ? SimulatedDeviceStore.openIn(worker.dataDir())
                : new JdbcDeviceStore(database.jdbc());
        SimulatedWhatsApp simulator = SimulatedWhatsApp.startWith(store, whatsApp.simulator(),
                clock.getIfAvailable(Clock::systemUTC), eventThread::execute);
        log.info("WhatsApp client: simulated (in-process, no real phone can link; play the phone at /simulator/**), "
                + "device store {}", database == null
                        ? worker.dataDir().resolve(SimulatedDeviceStore.FILE_NAME).toAbsolutePath().normalize()
                        : "in the shared database (spring.datasource.url)");
        return simulator;
    }

    @Bean
    SimulatedClientFactory simulatedClientFactory(SimulatedWhatsApp network) {
        return new SimulatedClientFactory(network);
    }
}
