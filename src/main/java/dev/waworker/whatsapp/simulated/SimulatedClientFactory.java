package dev.waworker.whatsapp.simulated;

import java.util.List;

import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClient;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/** Opens clients of the {@link SimulatedWhatsApp simulated network}, whose store holds the linked devices. */
public final class SimulatedClientFactory implements WhatsAppClientFactory {

    private final SimulatedWhatsApp network;

    public SimulatedClientFactory(SimulatedWhatsApp network) {
        this.network = network;
    }

    @Override
    public WhatsAppClient open(ClientSpec spec, ClientEventListener listener) {
        return network.open(spec, listener);
    }

    @Override
    public List<StoredDevice> storedDevices() {
        return network.storedDevices();
    }

    @Override
    public boolean forget(long numberId) {
        return network.forget(numberId);
    }
}
