package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A backend that declared the shared queues with arguments of its own: the worker's plain declaration is refused
 * by the broker, and the worker starts anyway and uses the queues as they are.
 */
@WorkerIntegrationTest
@DirtiesContext
class QueueClashIT extends WorkerTestBase {

    @BeforeWorkerStarts
    static void backendDeclaredItsQueuesWithArguments(TestWorker worker) {
        try (BackendProbe backend = new BackendProbe(worker)) {
            backend.admin().declareQueue(new Queue(worker.commandQueue(), true, false, false,
                    Map.of("x-max-length", 10_000)));
            backend.admin().declareQueue(new Queue(worker.eventsQueue(), true, false, false,
                    Map.of("x-message-ttl", 3_600_000)));
        }
    }

    @Test
    void startsAndWorksWithTheBackendsQueues() {
        backend.sendCommand("create", 501, "+221771234567");

        assertThat(backend.awaitEvent(501, "qr_generated").json()).containsEntry("qrIndex", 1);
    }
}
