package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.waworker.testing.WorkerProcess;

/**
 * The packaged worker killed with SIGKILL in the middle of a QR cycle, right after a burst of 50 {@code create}s,
 * then started again on the same data: every create is answered, and every number goes on to a final event (here
 * {@code QR_RETRIES_EXHAUSTED}, nobody scanning), none left silent. Events repeated across the crash keep their
 * {@code eventId}.
 */
class CrashRecoveryIT {

    private static final TestWorker WORKER = TestWorker.unique("crash");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);
    private static final long MID_CYCLE = 971;
    private static final List<Long> BURST = LongStream.rangeClosed(1001, 1050).boxed().toList();

    @AfterAll
    static void cleanUp() {
        WORKER.queuesToDelete().forEach(BACKEND.admin()::deleteQueue);
        BACKEND.close();
    }

    private static List<String> arguments() {
        Map<String, Object> settings = new LinkedHashMap<>(WORKER.properties());
        settings.remove("worker.data-dir"); // WorkerProcess sets it
        settings.put("whatsapp.simulator.first-qr-ttl", "2s");
        settings.put("whatsapp.simulator.next-qr-ttl", "2s");
        return settings.entrySet().stream().map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toList();
    }

    /** The number's events as the backend keeps them: a repeat of an {@code eventId} already seen is dropped. */
    private static List<BackendProbe.Event> deduplicated(long numberId) {
        Map<Object, BackendProbe.Event> byId = new LinkedHashMap<>();
        BACKEND.eventsFor(numberId).forEach(event -> byId.putIfAbsent(event.get("eventId"), event));
        return new ArrayList<>(byId.values());
    }

    private static boolean ended(long numberId) {
        return BACKEND.eventsFor(numberId).stream().anyMatch(event -> event.action().equals("error"));
    }

    @Test
    void afterAKillEveryCreateIsAnsweredAndEveryNumberReachesAFinalEvent() throws Exception {
        int lastQrBeforeKill;
        try (WorkerProcess first = new WorkerProcess(WorkerProcess.JAR, WORKER.dataDir(), arguments())) {
            first.awaitHealthy();
            BACKEND.sendCommand("create", MID_CYCLE, "+221771234567");
            BACKEND.awaitEvent(MID_CYCLE, "qr_regenerating");
            lastQrBeforeKill = BACKEND.awaitEvents(MID_CYCLE, 3).stream()
                    .filter(event -> event.action().equals("qr_generated"))
                    .mapToInt(event -> ((Number) event.get("qrIndex")).intValue()).max().orElseThrow();

            BACKEND.sendJsonInOrder(WORKER.commandQueue(), BURST.stream().map(number -> "{\"action\":\"create\","
                    + "\"data\":{\"numberId\":" + number + ",\"phoneNumber\":\"+22177000" + number + "\"}}").toList());
            first.kill();
        }

        try (WorkerProcess second = new WorkerProcess(WorkerProcess.JAR, WORKER.dataDir(), arguments())) {
            second.awaitHealthy();
            List<Long> numbers = new ArrayList<>(BURST);
            numbers.add(MID_CYCLE);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> numbers.stream().allMatch(CrashRecoveryIT::ended));

            for (long number : numbers) {
                List<BackendProbe.Event> events = deduplicated(number);
                assertThat(events).as("number %d is answered", number)
                        .anySatisfy(event -> assertThat(event.action()).isEqualTo("qr_generated"));
                assertThat(events.getLast().json()).as("number %d ends", number)
                        .containsEntry("action", "error").containsEntry("code", "QR_RETRIES_EXHAUSTED");
                assertThat(events).filteredOn(event -> event.action().equals("qr_generated"))
                        .extracting(event -> ((Number) event.get("qrIndex")).intValue())
                        .as("qrIndex of number %d goes on across the restart", number).isSorted();
            }
            assertThat(deduplicated(MID_CYCLE)).filteredOn(event -> event.action().equals("qr_generated"))
                    .extracting(event -> ((Number) event.get("qrIndex")).intValue())
                    .as("the validation in progress went on, it did not start over").doesNotHaveDuplicates()
                    .contains(lastQrBeforeKill + 1);
            assertThat(BACKEND.messageCount(WORKER.commandQueue())).as("every command acknowledged").isZero();
        }
    }
}
