package dev.waworker.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.waworker.qr.QrCodeRenderer;

/**
 * Many numbers' commands submitted at once from several threads, on real executors: each number's commands must
 * run one at a time and in the order its producer submitted them, whatever the others do.
 */
class PerNumberOrderingTest {

    private static final int NUMBERS = 400;
    private static final int REGENERATIONS = 5;

    private final ExecutorService lanes = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService producers = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopExecutors() {
        producers.shutdownNow();
        lanes.shutdownNow();
    }

    @Test
    void eachNumbersCommandsRunSeriallyInSubmissionOrder() throws Exception {
        FakeWhatsApp whatsApp = new FakeWhatsApp();
        RecordingSink sink = new RecordingSink();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ScheduledExecutorTimers timers = new ScheduledExecutorTimers()) {
            SessionManager manager = new SessionManager(whatsApp, new QrCodeRenderer(), ValidationJournal.publishingTo(sink),
                    new SessionSettings(3, 3, Duration.ofSeconds(1)), Clock.systemUTC(), timers,
                    new SessionMetrics(meters), lanes);

            // One producer per number, as one AMQP consumer per queue is: create, 5 x regenerate_qr, close.
            List<CompletableFuture<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (long numberId = 1; numberId <= NUMBERS; numberId++) {
                long id = numberId;
                submitted.add(CompletableFuture.supplyAsync(() -> submitAll(manager, id), producers));
            }
            List<CompletableFuture<Void>> handled = new ArrayList<>();
            for (var producer : submitted) {
                handled.addAll(producer.get(30, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(manager.shutdown(Duration.ofSeconds(30))).isTrue();
        }

        assertThat(whatsApp.overlaps).as("calls of one number never overlap").hasValue(0);
        assertThat(meters.find("whatsapp.sessions").gauges()).as("every session closed, none counted")
                .hasSize(SessionState.values().length).allSatisfy(gauge -> assertThat(gauge.value()).isZero());
        LongStream.rangeClosed(1, NUMBERS).forEach(numberId -> {
            List<FakeWhatsApp.FakeClient> clients = whatsApp.clientsOf(numberId);
            assertThat(clients).as("number %d: one client per create/regenerate", numberId)
                    .hasSize(1 + REGENERATIONS);
            for (FakeWhatsApp.FakeClient replaced : clients.subList(0, REGENERATIONS)) {
                assertThat(replaced.calls).as("number %d: replaced clients", numberId)
                        .containsExactly("connect", "close");
            }
            assertThat(clients.getLast().calls).as("number %d: the close came last", numberId)
                    .containsExactly("connect", "logout", "close");
            assertThat(sink.of(numberId)).as("number %d: events", numberId).singleElement()
                    .satisfies(event -> assertThat(event.header().correlationId()).contains(numberId + "-close"));
        });
    }

    private static List<CompletableFuture<Void>> submitAll(SessionManager manager, long numberId) {
        String phone = "+22177" + String.format("%07d", numberId);
        List<CompletableFuture<Void>> handled = new ArrayList<>();
        handled.add(submit(manager, SessionCommand.Type.CREATE, numberId, phone, "create"));
        for (int i = 0; i < REGENERATIONS; i++) {
            handled.add(submit(manager, SessionCommand.Type.REGENERATE_QR, numberId, phone, "regenerate-" + i));
        }
        handled.add(submit(manager, SessionCommand.Type.CLOSE, numberId, phone, "close"));
        return handled;
    }

    private static CompletableFuture<Void> submit(SessionManager manager, SessionCommand.Type type, long numberId,
                                                  String phone, String label) {
        return manager.handle(new SessionCommand(type, numberId, phone, PairingMethod.QR, Optional.of(numberId + "-" + label)))
                .toCompletableFuture();
    }
}
