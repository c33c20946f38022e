package dev.waworker.whatsapp.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.session.ErrorCode;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.ScheduledExecutorTimers;
import dev.waworker.session.SessionCommand;
import dev.waworker.session.SessionHandOver;
import dev.waworker.session.SessionManager;
import dev.waworker.session.ValidationJournal;
import dev.waworker.session.SessionMetrics;
import dev.waworker.session.SessionSettings;
import dev.waworker.session.WorkerEvent;
import dev.waworker.testing.QrPng;
import dev.waworker.whatsapp.StoredDevice;

/**
 * The session layer against the simulated network, on real threads and real time (QR lifetimes of two
 * seconds): the QR image the backend receives encodes the ref the simulated WhatsApp accepts at that moment, and
 * pairing, refusal, restart and logout from the phone come out as the contract's events.
 */
class SimulatedPairingWithSessionsIT {

    private static final Duration QR_TTL = Duration.ofSeconds(2);
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final String PHONE = "+221771234567";
    private static final String JID = "221771234567:1@s.whatsapp.net";

    @TempDir
    Path dataDir;

    private final List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    /** One run of the worker's session layer on the simulated network, over the shared data directory. */
    private final class Worker implements AutoCloseable {
        final SimulatorEventThread eventThread = new SimulatorEventThread();
        final ScheduledExecutorTimers timers = new ScheduledExecutorTimers();
        final ExecutorService lanes = Executors.newVirtualThreadPerTaskExecutor();
        final SimulatedWhatsApp network = SimulatedWhatsApp.startIn(dataDir,
                new WhatsAppProperties.Simulator(QR_TTL, QR_TTL, 6, Duration.ofSeconds(160)), Clock.systemUTC(), eventThread::execute);
        final SessionManager sessions = new SessionManager(new SimulatedClientFactory(network), new QrCodeRenderer(),
                ValidationJournal.publishingTo(event -> {
                    events.add(event);
                    return CompletableFuture.completedFuture(null);
                }),
                new SessionSettings(3, 3, Duration.ofMillis(100)), Clock.systemUTC(), timers,
                new SessionMetrics(new SimpleMeterRegistry()), lanes);

        void create() {
            sessions.handle(new SessionCommand(SessionCommand.Type.CREATE, 6, PHONE, PairingMethod.QR,
                    Optional.empty()));
        }

        @Override
        public void close() throws InterruptedException {
            sessions.shutdown(PATIENCE);
            timers.close();
            eventThread.close();
            lanes.shutdownNow();
        }
    }

    private Worker startWorker() {
        Worker worker = new Worker();
        workers.add(worker);
        return worker;
    }

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (Worker worker : workers) {
            worker.close();
        }
    }

    @Test
    void theRegeneratedQrIsTheRefTheSimulatedPhoneCanScanAndPairingConnects() {
        Worker worker = startWorker();
        worker.create();

        String first = QrPng.decode(awaitEvent(WorkerEvent.QrGenerated.class, qr -> qr.qrIndex() == 1).qrCode());
        String second = QrPng.decode(awaitEvent(WorkerEvent.QrGenerated.class, qr -> qr.qrIndex() == 2).qrCode());

        assertThat(worker.network.scanCode(first, Optional.empty())).as("the first QR expired")
                .isInstanceOf(ScanOutcome.NoLiveQr.class);
        assertThat(worker.network.scanCode(second, Optional.empty()))
                .isEqualTo(new ScanOutcome.Linked(new StoredDevice(6, PHONE, JID)));
        WorkerEvent.Connected connected = awaitEvent(WorkerEvent.Connected.class, event -> true);
        assertThat(connected.jid()).isEqualTo(JID);
        assertThat(connected.phoneNumber()).isEqualTo(PHONE);
        assertThat(events).extracting(WorkerEvent::action).containsExactly(
                "qr_generated", "qr_regenerating", "qr_generated", "connected");
    }

    @Test
    void anotherAccountScanningIsRefusedAndNothingIsLinked() {
        Worker worker = startWorker();
        worker.create();
        String shown = QrPng.decode(awaitEvent(WorkerEvent.QrGenerated.class, qr -> qr.qrIndex() == 1).qrCode());

        assertThat(worker.network.scanCode(shown, Optional.of("+221700000000")))
                .isInstanceOf(ScanOutcome.PhoneMismatch.class);

        awaitEvent(WorkerEvent.Error.class, error -> error.code() == ErrorCode.PHONE_MISMATCH);
        assertThat(worker.network.storedDevices()).isEmpty();
        assertThat(events).noneMatch(WorkerEvent.Connected.class::isInstance);
    }

    @Test
    void aLinkedNumberReconnectsAfterARestartUntilThePhoneRemovesTheDevice() throws InterruptedException {
        Worker before = startWorker();
        before.create();
        awaitEvent(WorkerEvent.QrGenerated.class, qr -> qr.qrIndex() == 1);
        assertThat(before.network.scan(6, Optional.empty())).isInstanceOf(ScanOutcome.Linked.class);
        awaitEvent(WorkerEvent.Connected.class, event -> true);
        before.close();
        workers.remove(before);
        events.clear();

        Worker after = startWorker();
        new SessionHandOver(after.sessions, new SimulatedClientFactory(after.network)).restore(List.of());

        assertThat(awaitEvent(WorkerEvent.Connected.class, event -> true).jid()).isEqualTo(JID);
        assertThat(after.network.removeFromPhone(6)).isPresent();
        awaitEvent(WorkerEvent.Disconnected.class, event -> true);
        assertThat(events).noneMatch(WorkerEvent.QrGenerated.class::isInstance);
    }

    private <T extends WorkerEvent> T awaitEvent(Class<T> type, Predicate<T> matching) {
        return await().atMost(PATIENCE).until(() -> events.stream()
                .filter(type::isInstance).map(type::cast).filter(matching).findFirst(), Optional::isPresent)
                .orElseThrow();
    }
}
