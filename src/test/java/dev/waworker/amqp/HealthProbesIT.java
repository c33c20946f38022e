package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.waworker.testing.WorkerHttp;

/**
 * A worker with its actuator on a port of its own: ready while it consumes, not ready (HTTP 503, the image's
 * HEALTHCHECK failing) once its consumers stop, alive throughout, and never showing health details to anonymous
 * callers.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
@DirtiesContext
class HealthProbesIT extends WorkerTestBase {

    @LocalServerPort
    private int serverPort;

    @LocalManagementPort
    private int managementPort;

    @Autowired
    private CommandIntake intake;

    @Test
    void readyWhileConsumingNotReadyOnceTheConsumersStopAndAliveThroughout() throws Exception {
        assertThat(managementPort).isNotEqualTo(serverPort);
        assertThat(WorkerHttp.get(serverPort, "/actuator/health").statusCode()).as("not on the HTTP port").isEqualTo(404);

        HttpResponse<String> health = WorkerHttp.get(managementPort, "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"")
                .doesNotContain("components", "details", "diskSpace", "version", worker.dataDir().toString());
        assertThat(WorkerHttp.get(managementPort, "/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(WorkerHttp.get(managementPort, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(DockerHealthcheck.run(serverPort, managementPort)).as("HEALTHCHECK of a ready worker").isZero();

        intake.stop();

        assertThat(WorkerHttp.get(managementPort, "/actuator/health/readiness").statusCode()).isEqualTo(503);
        assertThat(WorkerHttp.get(managementPort, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(DockerHealthcheck.run(serverPort, managementPort)).as("HEALTHCHECK of a stopped worker")
                .isNotZero();

        intake.start();
        await().atMost(BackendProbe.WAIT)
                .until(() -> WorkerHttp.get(managementPort, "/actuator/health/readiness").statusCode() == 200);
    }
}
