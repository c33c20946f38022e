package dev.waworker.whatsapp.simulated;

import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.WhatsAppClient;

/**
 * One client of the simulated network. Its calls go to {@link SimulatedWhatsApp}; the events the network emits
 * for it reach its listener on the network's event thread, never inside a call of the session layer.
 */
final class SimulatedClient implements WhatsAppClient {

    private static final Logger log = LoggerFactory.getLogger(SimulatedClient.class);

    private final ClientSpec spec;
    private final CompanionKeys keys;
    private final ClientEventListener listener;
    private final SimulatedWhatsApp network;
    private final Executor eventThread;

    /**
     * Taken around each delivery and by {@link #close()}, so that once {@code close()} returns no event is being
     * or will be delivered. The listener only hands the event over to a lane, so {@code close()} waits at most
     * for that hand-over.
     */
    private final Object deliveryLock = new Object();
    private boolean closed;

    SimulatedClient(ClientSpec spec, CompanionKeys keys, ClientEventListener listener, SimulatedWhatsApp network,
            Executor eventThread) {
        this.spec = spec;
        this.keys = keys;
        this.listener = listener;
        this.network = network;
        this.eventThread = eventThread;
    }

    ClientSpec spec() {
        return spec;
    }

    CompanionKeys keys() {
        return keys;
    }

    @Override
    public boolean isPaired() {
        return network.hasDevice(spec.numberId());
    }

    /** @throws IllegalStateException when the client is closed or already connected */
    @Override
    public void connect() {
        if (isClosed()) {
            throw new IllegalStateException("client of number " + spec.numberId() + " is closed");
        }
        network.connect(this);
    }

    /** @throws IllegalStateException when the client is closed or has no pairing connection */
    @Override
    public PairingCode requestPairingCode() {
        if (isClosed()) {
            throw new IllegalStateException("client of number " + spec.numberId() + " is closed");
        }
        return network.requestPairingCode(this);
    }

    @Override
    public void disconnect() {
        network.disconnect(this);
    }

    @Override
    public void logout() {
        network.logout(this);
    }

    @Override
    public void close() {
        synchronized (deliveryLock) {
            closed = true;
        }
        network.disconnect(this);
    }

    boolean isClosed() {
        synchronized (deliveryLock) {
            return closed;
        }
    }

    /** Queues the event for the listener on the event thread. */
    void emit(ClientEvent event) {
        eventThread.execute(() -> deliver(event));
    }

    /**
     * Queues an event that only makes sense on the connection it was emitted for (its QRs, its being connected):
     * if the connection has been dropped or replaced by the time the event thread gets to it, it is not delivered.
     */
    void emitOn(SimulatedWhatsApp.Connection connection, ClientEvent event) {
        eventThread.execute(() -> {
            if (network.isCurrentConnection(this, connection)) {
                deliver(event);
            }
        });
    }

    private void deliver(ClientEvent event) {
        synchronized (deliveryLock) {
            if (closed) {
                return;
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                // The network keeps serving other clients whatever one listener does.
                log.warn("Listener of number {} failed on {}", spec.numberId(), event, e);
            }
        }
    }
}
