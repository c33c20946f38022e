package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A backend that declared the shared queues with arguments of its own: the worker's plain declaration is refused
 * by the broker, and the worker starts anyway and uses the queues as they are.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class QueueClashIT {

    private static final TestWorker WORKER = TestWorker.unique("clash");
    private static final BackendProbe BACKEND = new BackendProbe(WORKER);

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry properties) {
        WORKER.register(properties);
    }

    @BeforeAll
    static void backendDeclaredItsQueuesWithArguments() {
        BACKEND.admin().declareQueue(new Queue(WORKER.commandQueue(), true, false, false, Map.of("x-max-length", 10_000)));
        BACKEND.admin().declareQueue(new Queue(WORKER.eventsQueue(), true, false, false,
                Map.of("x-message-ttl", 3_600_000)));
    }

    @AfterAll
    static void stopWorkerAndCleanUp(ApplicationContext worker) {
        BACKEND.stopWorkerAndCleanUp(worker);
    }

    @Test
    void startsAndWorksWithTheBackendsQueues() {
        BACKEND.sendCommand("create", 501, "+221771234567");

        assertThat(BACKEND.awaitEvent(501, "qr_generated").json()).containsEntry("qrIndex", 1);
    }
}
