package dev.waworker.whatsapp.whatsmeow;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.WhatsAppClient;

/** One number's whatsmeow client, behind its bridge handle. Every method returns once the bridge has answered. */
public final class WhatsmeowClient implements WhatsAppClient {

    /**
     * How long a pairing code can be entered. whatsmeow's {@code PairPhone} documentation: "The exact expiry of
     * pairing codes is unknown, but QR codes are always generated and the login websocket is closed after the QR
     * codes run out, which means there's a 160-second time limit". The session layer asks for the code as soon as
     * the connection's refs arrive, so it has about all of that time.
     */
    static final Duration PAIRING_CODE_TTL = Duration.ofSeconds(160);

    private final Wabridge bridge;
    private final EventPump pump;
    private final ClientSpec spec;
    private final long handle;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean paired;

    WhatsmeowClient(Wabridge bridge, EventPump pump, ClientSpec spec, Wabridge.CreatedClient created) {
        this.bridge = bridge;
        this.pump = pump;
        this.spec = spec;
        this.handle = created.handle();
        this.paired = created.paired();
    }

    /** Keeps {@link #isPaired()} true to the store as events arrive, before the listener sees them. */
    void track(ClientEvent event) {
        switch (event) {
            case ClientEvent.PairSuccess ignored -> paired = true;
            case ClientEvent.LoggedOut ignored -> paired = false;
            default -> {
            }
        }
    }

    long handle() {
        return handle;
    }

    @Override
    public boolean isPaired() {
        return paired;
    }

    /**
     * Starts a connection attempt. A client already connected or connecting (whatsmeow reconnects by itself after
     * a drop and after pairing) is left alone: the attempt in progress reports its own outcome.
     */
    @Override
    public void connect() {
        bridge.connect(handle);
    }

    @Override
    public void disconnect() {
        bridge.disconnect(handle);
    }

    @Override
    public void logout() {
        bridge.logout(handle);
        paired = false;
    }

    /**
     * Asks WhatsApp for the 8-character code ({@code ABCD-EFGH}) that links this device when typed on the phone of
     * the client's number: pairing without a camera. The connection must be open (QR codes received); the pairing
     * then ends in the same events as a QR scan. The code is a credential, like a QR. Waits for WhatsApp's answer
     * (the bridge bounds it at 30 s).
     */
    @Override
    public PairingCode requestPairingCode() {
        return new PairingCode(bridge.pairPhone(handle, spec.phoneNumber()), PAIRING_CODE_TTL);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pump.unregister(handle);
            bridge.destroy(handle);
        }
    }

    @Override
    public String toString() {
        return "WhatsmeowClient[numberId=" + spec.numberId() + ", handle=" + handle + "]";
    }
}
