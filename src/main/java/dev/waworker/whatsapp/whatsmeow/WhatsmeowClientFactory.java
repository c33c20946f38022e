package dev.waworker.whatsapp.whatsmeow;

import java.util.List;

import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * Opens whatsmeow clients through libwabridge and owns its device store and its event pump.
 *
 * <p>The library holds one store per process, so one factory at a time: {@link #close()} it before opening
 * another.
 */
public final class WhatsmeowClientFactory implements WhatsAppClientFactory, AutoCloseable {

    private final Wabridge bridge;
    private final EventPump pump;

    private WhatsmeowClientFactory(Wabridge bridge, EventPump pump) {
        this.bridge = bridge;
        this.pump = pump;
    }

    /** Opens the device store and starts the event pump. */
    public static WhatsmeowClientFactory open(Wabridge bridge, Wabridge.StoreConfig store, QrTtls qrTtls) {
        bridge.openStore(store);
        EventPump pump = new EventPump(bridge, new BridgeEventParser(qrTtls));
        pump.start();
        return new WhatsmeowClientFactory(bridge, pump);
    }

    @Override
    public WhatsmeowClient open(ClientSpec spec, ClientEventListener listener) {
        Wabridge.CreatedClient created = bridge.createClient(spec.numberId(), spec.phoneNumber());
        WhatsmeowClient client = new WhatsmeowClient(bridge, pump, spec, created);
        pump.register(client.handle(), event -> {
            client.track(event);
            listener.onEvent(event);
        });
        return client;
    }

    @Override
    public List<StoredDevice> storedDevices() {
        return bridge.devices();
    }

    @Override
    public boolean forget(long numberId) {
        return bridge.deleteDevice(numberId);
    }

    /** Stops the pump, then disconnects every client and closes the store. */
    @Override
    public void close() {
        pump.close();
        bridge.closeStore();
    }
}
