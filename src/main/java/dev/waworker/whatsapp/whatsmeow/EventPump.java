package dev.waworker.whatsapp.whatsmeow;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import dev.waworker.whatsapp.ClientEventListener;

/**
 * The one thread that takes events out of the bridge and hands them to the clients' listeners.
 *
 * <p>Go never calls into the JVM: this thread polls {@code wb_next_event}, so no Go thread ever has to be attached
 * to the JVM and a listener that is slow only delays the next poll. Listeners are expected to hand the event to
 * the number's lane and return. No event, however malformed, and no listener failure stops the pump.
 */
final class EventPump implements AutoCloseable {

    /** whatsmeow's own log lines, under the logger name operators configure. */
    static final Logger WHATSMEOW_LOG = LoggerFactory.getLogger("whatsmeow");
    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
    private static final int POLL_TIMEOUT_MS = 200;

    private final Wabridge bridge;
    private final BridgeEventParser parser;
    private final Map<Long, ClientEventListener> listeners = new ConcurrentHashMap<>();
    private final Consumer<BridgeEvent.ClientVersion> versionListener;
    private final Thread thread;
    private volatile boolean running = true;

    EventPump(Wabridge bridge, BridgeEventParser parser, Consumer<BridgeEvent.ClientVersion> versionListener) {
        this.bridge = bridge;
        this.parser = parser;
        this.versionListener = versionListener;
        this.thread = Thread.ofPlatform().name("wabridge-events").daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void register(long handle, ClientEventListener listener) {
        listeners.put(handle, listener);
    }

    void unregister(long handle) {
        listeners.remove(handle);
    }

    private void run() {
        while (running) {
            try {
                Optional<String> event = bridge.nextEvent(POLL_TIMEOUT_MS);
                event.ifPresent(this::dispatch);
            } catch (RuntimeException e) {
                LOG.warn("Could not take an event from the WhatsApp bridge", e);
            }
        }
    }

    private void dispatch(String json) {
        switch (parser.parse(json)) {
            case BridgeEvent.ForClient(long handle, var event) -> {
                ClientEventListener listener = listeners.get(handle);
                if (listener == null) {
                    LOG.debug("Dropped {} for client {}: it is closed", event, handle);
                    return;
                }
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("The listener of client {} failed on {}", handle, event, e);
                }
            }
            case BridgeEvent.ClientVersion version -> {
                LOG.info("WhatsApp client version is now {} ({}; was {})", version.version(), version.source(),
                        version.previous());
                versionListener.accept(version);
            }
            case BridgeEvent.Log log -> WHATSMEOW_LOG.atLevel(levelOf(log.level()))
                    .log("{}[{}] {}", numberPrefix(log.numberId()), log.module(), log.message());
            case BridgeEvent.Notice notice -> LOG.atLevel(notice.important() ? Level.INFO : Level.DEBUG)
                    .log("{}{}", numberPrefix(notice.numberId()), notice.description());
        }
    }

    private static String numberPrefix(long numberId) {
        return numberId == 0 ? "" : "number " + numberId + " ";
    }

    private static Level levelOf(String bridgeLevel) {
        return switch (bridgeLevel) {
            case "DEBUG" -> Level.DEBUG;
            case "WARN" -> Level.WARN;
            case "ERROR" -> Level.ERROR;
            default -> Level.INFO;
        };
    }

    /** Stops polling; events still queued in the bridge are dropped with it. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
