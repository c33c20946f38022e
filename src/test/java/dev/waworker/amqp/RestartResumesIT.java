package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.waworker.WorkerApplication;

/**
 * A clean stop in the middle of a QR cycle, then a new start on the same data directory: the validation goes on
 * with a new QR whose {@code qrIndex} follows the last one, on the same budget, answering the same command.
 */
class RestartResumesIT {

    private static final TestWorker WORKER = TestWorker.unique("restart");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);

    @AfterAll
    static void cleanUp() {
        WORKER.queuesToDelete().forEach(BACKEND.admin()::deleteQueue);
        BACKEND.close();
    }

    /** Arguments, not default properties: those would lose to the packaged application.yml. */
    private static ConfigurableApplicationContext startWorker() {
        Map<String, Object> settings = new LinkedHashMap<>(WORKER.properties());
        settings.put("spring.main.web-application-type", "none");
        settings.put("whatsapp.simulator.first-qr-ttl", "2s");
        settings.put("whatsapp.simulator.next-qr-ttl", "2s");
        return new SpringApplicationBuilder(WorkerApplication.class).run(settings.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue()).toArray(String[]::new));
    }

    @Test
    void aValidationInProgressIsTakenUpAgainAfterAStop() {
        String commandId;
        try (ConfigurableApplicationContext first = startWorker()) {
            commandId = BACKEND.sendCommand("create", 951, "+221771234567");
            BACKEND.awaitEvent(951, "qr_regenerating");
            BACKEND.awaitEvents(951, 3);
        }
        List<BackendProbe.Event> before = BACKEND.eventsFor(951);
        int lastIndexBefore = before.stream().filter(event -> event.action().equals("qr_generated"))
                .mapToInt(event -> ((Number) event.get("qrIndex")).intValue()).max().orElseThrow();

        try (ConfigurableApplicationContext second = startWorker()) {
            List<BackendProbe.Event> all = BACKEND.awaitEvents(951, before.size() + 1);
            BackendProbe.Event resumed = all.get(before.size());
            assertThat(resumed.json()).containsEntry("action", "qr_generated")
                    .containsEntry("qrIndex", lastIndexBefore + 1);
            assertThat(resumed.properties().getCorrelationId()).isEqualTo(commandId);

            // The budget went on: the next expiry is the second attempt, not the first.
            BackendProbe.Event regenerating = BACKEND.awaitEvents(951, before.size() + 2).get(before.size() + 1);
            assertThat(regenerating.json()).containsEntry("action", "qr_regenerating").containsEntry("attempt", 2);
            second.getBean(CommandIntake.class).stop();
        }
    }
}
