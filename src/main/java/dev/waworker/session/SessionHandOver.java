package dev.waworker.session;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * How sessions change hands: taken up after a restart, taken over from a worker that died, let go by a worker
 * that no longer owns the number. Each is an input on the number's lane; what it does there is decided like any
 * other input (see {@link SessionDecider}).
 */
public final class SessionHandOver {

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final SessionManager sessions;
    private final WhatsAppClientFactory whatsApp;

    public SessionHandOver(SessionManager sessions, WhatsAppClientFactory whatsApp) {
        this.sessions = sessions;
        this.whatsApp = whatsApp;
    }

    /**
     * Takes up what was going on before a restart: each device kept in the store reconnects (and publishes
     * {@code connected}); each other session of {@code wereLive} (the records left by the last run) goes on or
     * ends with an error. No number is left without a live QR or a final event.
     */
    public void restore(List<ValidationRecord> wereLive) {
        restore(wereLive, whatsApp.storedDevices());
    }

    /**
     * {@link #restore(List)} of these records and devices only: with several workers on one store, each takes up
     * the numbers it could claim.
     */
    public void restore(List<ValidationRecord> wereLive, List<StoredDevice> devices) {
        Set<Long> linked = devices.stream().map(StoredDevice::numberId).collect(Collectors.toSet());
        List<ValidationRecord> unlinked = wereLive.stream().filter(record -> !linked.contains(record.numberId()))
                .toList();
        log.info("Restoring {} stored WhatsApp session(s) and {} other session(s) live before the restart",
                devices.size(), unlinked.size());
        for (ValidationRecord record : unlinked) {
            sessions.queue(new StepOrigin(LaneStep.RESTORE, record.numberId(), record.sessionId(),
                    record.correlationId()), new Input.Restart(record), null);
        }
        devices.forEach(this::reconnect);
    }

    /**
     * Reconnects a linked device from the store unless its number has a session here already; it publishes
     * {@code connected}. How a worker takes over the numbers of one that died.
     */
    public void reconnect(StoredDevice device) {
        sessions.queue(new StepOrigin(LaneStep.RESTORE, device.numberId(),
                SessionIds.of(device.numberId(), device.phoneNumber()), Optional.empty()),
                new Input.Reconnect(device), null);
    }

    /**
     * Drops the number's session as a stop does: its client disconnects, its credentials and record stay. For a
     * worker that no longer owns the number (fencing), so that two workers are never connected for it at once.
     */
    public CompletableFuture<Void> release(long numberId) {
        return sessions.release(numberId);
    }

    /** The numbers that have a session on this worker now. */
    public Set<Long> liveNumbers() {
        return sessions.liveNumbers();
    }
}
