package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.micrometer.core.instrument.MeterRegistry;

import dev.waworker.session.SessionManager;
import dev.waworker.testing.BusiestSecond;
import dev.waworker.testing.LogCapture;
import dev.waworker.testing.QrPng;
import dev.waworker.testing.StandInServer;

/**
 * A restart with many linked numbers does not reconnect them in one burst: twenty numbers linked against the
 * stand-in WhatsApp server, the worker restarted with {@code whatsapp.reconnect.rate-per-second=5}: every number is
 * {@code connected} again, and the worker's own record of when each reconnect started (the instant its pacing
 * counted, in its log line) shows at most five in any one-second window.
 */
class ReconnectPacingIT {

    private static final int NUMBERS = 20;
    private static final int RATE = 5;
    private static final long FIRST_ID = 1201;
    private static final StandInRig RIG = StandInRig.unique("pacing");
    private static final TestWorker WORKER = RIG.worker();
    private static final BackendProbe BACKEND = RIG.backend();
    private static final StandInServer WHATSAPP = RIG.whatsApp();

    @AfterAll
    static void cleanUp() {
        RIG.close();
    }

    @Test
    void twentyLinkedNumbersReconnectAtTheConfiguredRate() {
        List<Long> ids = LongStream.range(FIRST_ID, FIRST_ID + NUMBERS).boxed().toList();
        try (ConfigurableApplicationContext first = StandInWorker.start(WORKER, WHATSAPP, Map.of())) {
            ids.forEach(id -> BACKEND.sendCommand("create", id, phone(id)));
            for (long id : ids) {
                String qr = QrPng.decode((String) BACKEND.awaitEvent(id, "qr_generated").get("qrCode"));
                assertThat(WHATSAPP.scan(qr, phone(id)).status()).isEqualTo(200);
            }
            ids.forEach(id -> BACKEND.awaitEvent(id, "connected"));
        }
        await().atMost(BackendProbe.WAIT).until(() -> WHATSAPP.devices().stream()
                .noneMatch(device -> device.path("connected").asBoolean()));

        AtomicReference<LogCapture> capture = new AtomicReference<>();
        try (ConfigurableApplicationContext second = StandInWorker.start(WORKER, WHATSAPP, Map.of(
                     "whatsapp.reconnect.rate-per-second", RATE, "whatsapp.reconnect.jitter", "100ms"),
                prepared -> capture.set(LogCapture.of(SessionManager.class)));
             LogCapture sessions = capture.get()) {
            await().atMost(BackendProbe.WAIT.multipliedBy(2)).until(() -> ids.stream()
                    .allMatch(id -> connectedEvents(id) == 2));

            List<Instant> starts = sessions.messagesAboveDebug().stream().filter(line -> line.contains(" in its turn at "))
                    .map(line -> Instant.parse(line.substring(line.indexOf(" at ") + 4, line.indexOf(", after"))))
                    .toList();
            assertThat(starts).hasSize(NUMBERS);
            assertThat(BusiestSecond.of(starts)).isLessThanOrEqualTo(RATE);
            assertThat(Duration.between(starts.getFirst(), starts.getLast()))
                    .as("20 reconnects at 5 per second cannot all start within 3 s")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            MeterRegistry meters = second.getBean(MeterRegistry.class);
            assertThat(meters.get("whatsapp.reconnects.waiting").gauge().value()).isZero();
            assertThat(meters.get("whatsapp.reconnect.wait").timer().count()).isEqualTo(NUMBERS);
            assertThat(meters.get("whatsapp.reconnect.wait").timer().max(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
            second.getBean(CommandIntake.class).stop();
        }
    }

    private static long connectedEvents(long id) {
        return BACKEND.eventsFor(id).stream().filter(event -> event.action().equals("connected")).count();
    }

    private static String phone(long id) {
        return "+22177800" + id;
    }
}
