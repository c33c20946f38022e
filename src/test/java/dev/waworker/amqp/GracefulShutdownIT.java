package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

import dev.waworker.WorkerApplication;
import dev.waworker.session.SessionCommand;
import dev.waworker.session.SessionCommandHandler;
import dev.waworker.testing.LogCapture;

/**
 * Stopping the worker while it holds commands: the ones already handed to the session layer are finished and
 * acknowledged, the ones delivered afterwards go back to the queue untouched, and none is lost or run twice.
 */
class GracefulShutdownIT {

    private static final TestWorker WORKER = TestWorker.unique("shutdown");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);

    /** A session layer that takes commands and finishes them only when the test says so. */
    @TestConfiguration
    static class HeldSessionLayer {
        static final List<SessionCommand> RECEIVED = new CopyOnWriteArrayList<>();
        static final List<CompletableFuture<Void>> IN_HAND = new CopyOnWriteArrayList<>();

        @Bean
        @Primary
        SessionCommandHandler heldHandler() {
            return command -> {
                CompletableFuture<Void> done = new CompletableFuture<>();
                RECEIVED.add(command);
                IN_HAND.add(done);
                return done;
            };
        }
    }

    @AfterAll
    static void cleanUp() {
        WORKER.queuesToDelete().forEach(BACKEND.admin()::deleteQueue);
        BACKEND.close();
    }

    @Test
    void finishesTheCommandsInHandAndPutsTheOthersBackOnTheQueue() {
        ConfigurableApplicationContext worker = new SpringApplicationBuilder(WorkerApplication.class,
                HeldSessionLayer.class)
                .properties(Map.of("spring.main.web-application-type", "none"))
                .properties(WORKER.properties())
                .run();
        for (long numberId = 801; numberId <= 805; numberId++) {
            BACKEND.sendCommand("create", numberId, "+221771234567");
        }
        await().atMost(BackendProbe.WAIT).until(() -> HeldSessionLayer.RECEIVED.size() == 5);

        CompletableFuture<Void> stopped;
        try (LogCapture intake = LogCapture.of(CommandIntake.class);
             LogCapture listener = LogCapture.of(CommandListener.class)) {
            stopped = CompletableFuture.runAsync(worker::close);
            await().atMost(BackendProbe.WAIT).until(() -> intake.messagesAboveDebug().stream()
                    .anyMatch(line -> line.startsWith("Stopping: finishing the commands in hand")));

            for (long numberId = 806; numberId <= 808; numberId++) {
                BACKEND.sendCommand("create", numberId, "+221771234567");
            }
            await().atMost(BackendProbe.WAIT).until(() -> listener.debugMessages().stream()
                    .filter(line -> line.startsWith("Stopping: holding back delivery")).count() == 3);
            assertThat(stopped).isNotDone();

            HeldSessionLayer.IN_HAND.forEach(done -> done.complete(null));
            await().atMost(BackendProbe.WAIT).until(stopped::isDone);
        }

        assertThat(HeldSessionLayer.RECEIVED).extracting(SessionCommand::numberId)
                .containsExactlyInAnyOrder(801L, 802L, 803L, 804L, 805L);
        await().atMost(BackendProbe.WAIT).until(() -> BACKEND.messageCount(WORKER.commandQueue()) == 3);
        List<String> returned = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            returned.add(new String(BACKEND.awaitMessage(WORKER.commandQueue()).getBody(), StandardCharsets.UTF_8));
        }
        assertThat(returned).allSatisfy(body -> assertThat(body).containsAnyOf(
                "\"numberId\":806", "\"numberId\":807", "\"numberId\":808"));
    }
}
