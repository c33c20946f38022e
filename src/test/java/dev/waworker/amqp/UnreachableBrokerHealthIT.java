package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.waworker.testing.LogCapture;
import dev.waworker.testing.WorkerHttp;

/**
 * A worker whose broker cannot be reached, with the default ports (actuator on the HTTP port): it runs and is
 * alive, but not ready, so the image's HEALTHCHECK fails, as the reproduction of a lying HEALTHCHECK asked;
 * each failed probe logs one line, without a stack trace.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, brokerReachable = false)
@DirtiesContext
class UnreachableBrokerHealthIT {

    @LocalServerPort
    private int port;

    @Test
    void aliveButNotReadyAndTheHealthcheckFailsWithOneLogLinePerProbe() throws Exception {
        try (LogCapture logs = LogCapture.of(CommandIntakeHealth.class)) {
            assertThat(WorkerHttp.get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(WorkerHttp.get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            var health = WorkerHttp.get(port, "/actuator/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"").doesNotContain("reason", "components");

            assertThat(DockerHealthcheck.run(port, null)).as("HEALTHCHECK of a worker without its broker").isNotZero();

            assertThat(logs.messagesAboveDebug()).hasSize(3).allSatisfy(line -> assertThat(line)
                    .startsWith("Not ready: the broker cannot be reached: ").doesNotContain("\n"));
            assertThat(logs.anyThrowable()).isFalse();
        }
    }
}
