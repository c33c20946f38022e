package dev.waworker.whatsapp.simulated;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;
import dev.waworker.store.SharedDatabase;

/** The simulated network and its client factory, in {@code whatsapp.client=simulated} mode only. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnSimulatedWhatsApp
public class SimulatorConfiguration {

    @Bean
    SimulatorEventThread simulatorEventThread() {
        return new SimulatorEventThread();
    }

    /** Uses the application's {@link Clock} when it defines one, so that the whole worker shares one time. */
    @Bean
    SimulatedWhatsApp simulatedWhatsApp(WhatsAppProperties whatsApp, WorkerProperties worker,
            ObjectProvider<Clock> clock, SimulatorEventThread eventThread, ObjectProvider<SharedDatabase> shared) {
        // With a shared database the devices live there, so that another worker can take a number over.
        DeviceStore store = shared.getIfAvailable() == null ? SimulatedDeviceStore.openIn(worker.dataDir())
                : new JdbcDeviceStore(shared.getIfAvailable().jdbc());
        return SimulatedWhatsApp.startWith(store, whatsApp.simulator(), clock.getIfAvailable(Clock::systemUTC),
                eventThread::execute);
    }

    @Bean
    SimulatedClientFactory simulatedClientFactory(SimulatedWhatsApp network) {
        return new SimulatedClientFactory(network);
    }
}
