package dev.waworker.whatsapp.simulated;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.io.TempDir;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.testing.ManualClock;
import dev.waworker.whatsapp.WhatsAppClient;

/**
 * The set-up of a unit test that drives a simulated network by hand: time moves when the test advances the clock,
 * client events are delivered when it runs the event thread, and one listener records them.
 */
abstract class NetworkByHand {

    @TempDir
    Path dataDir;

    final ManualClock clock = new ManualClock(Instant.parse("2025-12-06T14:00:00Z"));
    final ManualExecutor eventThread = new ManualExecutor();
    final RecordingListener listener = new RecordingListener();

    /** Starts a network storing its devices in the test's data directory. */
    SimulatedWhatsApp startNetwork(Duration firstQrTtl, Duration nextQrTtl, int refsPerConnection, Duration codeTtl) {
        var settings = new WhatsAppProperties.Simulator(firstQrTtl, nextQrTtl, refsPerConnection, codeTtl);
        return SimulatedWhatsApp.startIn(dataDir, settings, clock, eventThread);
    }

    /** Connects the client and delivers the events its connection brought. */
    void connectAndDeliver(WhatsAppClient client) {
        client.connect();
        eventThread.runAll();
    }
}
