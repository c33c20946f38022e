package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.waworker.config.WorkerProperties;
import dev.waworker.ownership.Route;

/** Which commands the router of a worker alone on its database answers without asking the broker. */
class QueueRouterTest {

    private final WorkerProperties worker = new WorkerProperties("me", Path.of("data"), new WorkerProperties.Amqp(
            "commands", "events", "dlq", "commands.", 50, Duration.ofSeconds(10), 3, DataSize.ofKilobytes(64)), 1);
    // No broker: a command these tests route must not need one.
    private final QueueRouter router = new QueueRouter(new WorkerQueueDirectory(null, Clock.systemUTC()), worker);

    @Test
    void aCommandNamingNoWorkerOrThisOneIsAnsweredAtOnceAndKeptHere() {
        assertThat(router.answersAtOnce(Optional.empty())).isTrue();
        assertThat(router.answersAtOnce(Optional.of("me"))).isTrue();
        assertThat(router.route(5, Optional.empty())).isEqualTo(new Route.Here());
        assertThat(router.route(5, Optional.of("me"))).isEqualTo(new Route.Here());
    }

    @Test
    void aCommandNamingAnotherWorkerAsksTheBroker() {
        assertThat(router.answersAtOnce(Optional.of("other"))).isFalse();
    }
}
