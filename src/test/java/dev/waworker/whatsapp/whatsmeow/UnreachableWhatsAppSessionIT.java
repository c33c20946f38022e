package dev.waworker.whatsapp.whatsmeow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.session.ErrorCode;
import dev.waworker.session.PairingMethod;
import dev.waworker.session.RecordingSink;
import dev.waworker.session.ScheduledExecutorTimers;
import dev.waworker.session.SessionCommand;
import dev.waworker.session.SessionManager;
import dev.waworker.session.ValidationJournal;
import dev.waworker.session.SessionMetrics;
import dev.waworker.session.SessionSettings;
import dev.waworker.session.WorkerEvent;
import dev.waworker.testing.RefusingPort;
import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.ClientEventListener;
import dev.waworker.whatsapp.ClientSpec;
import dev.waworker.whatsapp.StoredDevice;
import dev.waworker.whatsapp.WhatsAppClient;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/**
 * The real session layer (its timers, virtual-thread lanes) over the real adapter and library, with WhatsApp out of
 * reach: a port that refuses, and a WebSocket that accepts then closes. A number makes exactly the configured
 * connection attempts, spaced by the doubling back-off, then ends in one {@code CONNECT_FAILED} that names the
 * attempts and the reason, and its session is gone.
 */
class UnreachableWhatsAppSessionIT {

    /** The packaged default of whatsapp.whatsmeow.connect-attempts. */
    private static final int ATTEMPTS = 3;
    /**
     * Long enough that number 6 is certainly still between its attempts when number 7 is created right after 6's
     * first failure (3 s of retries against the poll and scheduling delays of a busy CI machine).
     */
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    /** A refused connection fails within milliseconds. */
    private static final Duration REFUSED_WAIT = Duration.ofSeconds(15);
    /**
     * whatsmeow does not notice a WebSocket closed under its handshake: it waits for the server's hello until its
     * fixed 20 s timeout (NoiseHandshakeResponseTimeout, a constant). Two attempts show the retry at half the
     * cost of three; the doubling of the back-off is shown on the refused port.
     */
    private static final int ATTEMPTS_AGAINST_CLOSING = 2;
    private static final Duration CLOSING_WAIT = Duration.ofSeconds(60);

    /** A client event as the adapter delivered it, and when: {@link System#nanoTime()}. */
    private record Delivered(long numberId, ClientEvent event, long at) {
    }

    @TempDir
    Path dataDir;

    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private final RecordingSink sink = new RecordingSink();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorTimers timers = new ScheduledExecutorTimers();
    private final ExecutorService lanes = Executors.newVirtualThreadPerTaskExecutor();
    private WhatsmeowClientFactory whatsmeow;
    private SessionManager sessions;

    @AfterEach
    void stop() throws InterruptedException {
        if (sessions != null) {
            sessions.shutdown(Duration.ofSeconds(5));
        }
        timers.close();
        lanes.close();
        // Last: the library holds one store per process, and the next test opens its own.
        if (whatsmeow != null) {
            whatsmeow.close();
        }
    }

    private void start(String websocketUrl, int connectAttempts) {
        whatsmeow = WhatsmeowClientFactory.open(new Wabridge(), NativeFixture.sqliteStore(dataDir, websocketUrl),
                NativeFixture.WHATSAPP_TTLS);
        sessions = new SessionManager(new Recording(whatsmeow), new QrCodeRenderer(), ValidationJournal.publishingTo(sink),
                new SessionSettings(3, connectAttempts, BACKOFF), Clock.systemUTC(), timers, new SessionMetrics(meters),
                lanes);
    }

    @Test
    void aRefusedNumberTriesTheConfiguredTimesThenFailsWhileANumberCreatedMeanwhileGoesItsOwnWay()
            throws IOException {
        start(RefusingPort.webSocketUrl(), ATTEMPTS);

        create(6, "+221771234567");
        await().atMost(REFUSED_WAIT).until(() -> !connectFailures(6).isEmpty());
        create(7, "+221771234568");
        assertThat(sessions.view(6).join()).as("number 6 still retrying when 7 was created").isPresent();

        await().atMost(REFUSED_WAIT).until(() -> !sink.of(6).isEmpty() && !sink.of(7).isEmpty());
        for (long numberId : List.of(6L, 7L)) {
            List<Delivered> failures = connectFailures(numberId);
            assertThat(failures).as("attempts of number %d", numberId).hasSize(ATTEMPTS)
                    .allSatisfy(failure -> assertThat(((ClientEvent.ConnectFailed) failure.event()).reason())
                            .startsWith("connection refused: "));
            assertSpacedByTheDoublingBackoff(failures.stream().map(Delivered::at).toList());
            assertThat(sink.of(numberId)).singleElement().isInstanceOfSatisfying(WorkerEvent.Error.class, error -> {
                assertThat(error.code()).isEqualTo(ErrorCode.CONNECT_FAILED);
                assertThat(error.error()).startsWith("Could not connect to WhatsApp after 3 attempts (connection "
                        + "refused: ");
                assertThat(error.header().correlationId()).contains("create-" + numberId);
            });
            assertThat(sessions.view(numberId).join()).as("session of %d", numberId).isEmpty();
        }
        assertThat(meters.counter("whatsapp.validations", "outcome", "connect_failed").count()).isEqualTo(2);
    }

    @Test
    void aWebSocketThatAcceptsThenClosesIsOpenedTheConfiguredTimesThenTheNumberFails() throws IOException {
        try (ClosingWebSocketServer server = new ClosingWebSocketServer()) {
            start(server.url(), ATTEMPTS_AGAINST_CLOSING);

            create(6, "+221771234567");

            await().atMost(CLOSING_WAIT).until(() -> !sink.of(6).isEmpty());
            assertThat(server.upgrades()).isEqualTo(ATTEMPTS_AGAINST_CLOSING);
            assertSpacedByTheDoublingBackoff(server.upgradeTimes());
            assertThat(connectFailures(6)).hasSize(ATTEMPTS_AGAINST_CLOSING)
                    .allSatisfy(failure -> assertThat(((ClientEvent.ConnectFailed) failure.event()).reason())
                            .startsWith("WhatsApp handshake failed: "));
            assertThat(sink.of(6)).singleElement().isInstanceOfSatisfying(WorkerEvent.Error.class, error -> {
                assertThat(error.code()).isEqualTo(ErrorCode.CONNECT_FAILED);
                assertThat(error.header().sessionId()).isEqualTo("session_6_+221771234567");
                assertThat(error.error()).startsWith("Could not connect to WhatsApp after 2 attempts (WhatsApp "
                        + "handshake failed: ");
            });
            assertThat(sessions.view(6).join()).isEmpty();
            // The session let go of the client for good: neither whatsmeow nor a stray timer dials again.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> server.upgrades() == ATTEMPTS_AGAINST_CLOSING);
        }
    }

    private void create(long numberId, String phoneNumber) {
        sessions.handle(new SessionCommand(SessionCommand.Type.CREATE, numberId, phoneNumber, PairingMethod.QR,
                Optional.of("create-" + numberId))).toCompletableFuture().join();
    }

    private List<Delivered> connectFailures(long numberId) {
        return delivered.stream()
                .filter(event -> event.numberId() == numberId && event.event() instanceof ClientEvent.ConnectFailed)
                .toList();
    }

    /** Attempt n+1 starts at least the back-off after attempt n, and the back-off doubles each time. */
    private static void assertSpacedByTheDoublingBackoff(List<Long> nanoTimes) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < nanoTimes.size(); i++) {
            gaps.add(Duration.ofNanos(nanoTimes.get(i) - nanoTimes.get(i - 1)));
        }
        for (int i = 0; i < gaps.size(); i++) {
            assertThat(gaps.get(i)).as("gap before attempt %d", i + 2)
                    .isGreaterThanOrEqualTo(BACKOFF.multipliedBy(1L << i));
        }
    }

    /** The real factory, noting every event its clients deliver, with the time it arrived. */
    private final class Recording implements WhatsAppClientFactory {

        private final WhatsAppClientFactory real;

        Recording(WhatsAppClientFactory real) {
            this.real = real;
        }

        @Override
        public WhatsAppClient open(ClientSpec spec, ClientEventListener listener) {
            return real.open(spec, event -> {
                delivered.add(new Delivered(spec.numberId(), event, System.nanoTime()));
                listener.onEvent(event);
            });
        }

        @Override
        public List<StoredDevice> storedDevices() {
            return real.storedDevices();
        }

        @Override
        public boolean forget(long numberId) {
            return real.forget(numberId);
        }
    }
}
