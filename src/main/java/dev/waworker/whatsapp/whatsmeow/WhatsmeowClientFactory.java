package dev.waworker.whatsapp.whatsmeow;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
    private final AtomicReference<ClientVersionInUse> clientVersion;
    private final String whatsmeowVersion;

    private WhatsmeowClientFactory(Wabridge bridge, EventPump pump, AtomicReference<ClientVersionInUse> clientVersion,
                                   String whatsmeowVersion) {
        this.bridge = bridge;
        this.pump = pump;
        this.clientVersion = clientVersion;
        this.whatsmeowVersion = whatsmeowVersion;
    }

    /** Opens the device store and starts the event pump. */
    public static WhatsmeowClientFactory open(Wabridge bridge, Wabridge.StoreConfig store, QrTtls qrTtls) {
        return open(bridge, store, qrTtls, version -> {
        });
    }

    /**
     * Opens the device store and starts the event pump.
     *
     * @param versionWatcher told of the client version in use now, and of every change (WhatsApp Web's current
     *                       version learnt after a start or a 405), from the event pump's thread
     */
    public static WhatsmeowClientFactory open(Wabridge bridge, Wabridge.StoreConfig store, QrTtls qrTtls,
                                              Consumer<ClientVersionInUse> versionWatcher) {
        bridge.openStore(store);
        Wabridge.Version opened = bridge.version();
        AtomicReference<ClientVersionInUse> clientVersion = new AtomicReference<>(ClientVersionInUse.of(opened));
        versionWatcher.accept(clientVersion.get());
        EventPump pump = new EventPump(bridge, new BridgeEventParser(qrTtls), change -> {
            clientVersion.set(ClientVersionInUse.of(change));
            versionWatcher.accept(clientVersion.get());
        });
        pump.start();
        return new WhatsmeowClientFactory(bridge, pump, clientVersion, opened.whatsmeow());
    }

    /** The WhatsApp Web version the clients announce now. */
    public ClientVersionInUse clientVersion() {
        return clientVersion.get();
    }

    /** The whatsmeow module the native library was built from: read once, it cannot change while loaded. */
    public String whatsmeowVersion() {
        return whatsmeowVersion;
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
