package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.waworker.testing.WorkerHttp;

/**
 * Every metric docker/grafana's dashboard queries exists in the worker's {@code /actuator/prometheus}: after a
 * short run through the pairing funnel (connected, wrong account, QRs left to expire), each name the dashboard's
 * PromQL selects is a series of the scrape. A renamed meter, or a panel with a typo, fails here, not on a screen.
 */
@WorkerIntegrationTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "whatsapp.simulator.first-qr-ttl=2s",
        "whatsapp.simulator.next-qr-ttl=2s",
        "whatsapp.qr.max-retries=1"})
@DirtiesContext
class DashboardMetricsIT extends WorkerTestBase {

    private static final Path DASHBOARD = Path.of("docker/grafana/dashboards/whatsapp-worker.json");
    /** A metric name right before its label selector: every query of the dashboard selects by application. */
    private static final Pattern SELECTED_METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    @LocalServerPort
    private int port;

    @Test
    void everyMetricTheDashboardQueriesIsScraped() throws Exception {
        backend.sendCommand("create", 601, "+221770000601");
        backend.awaitEvent(601, "qr_generated");
        WorkerHttp.postJson(port, "/simulator/sessions/601/scan", "");
        backend.awaitEvent(601, "connected");
        backend.sendCommand("create", 602, "+221770000602");
        backend.awaitEvent(602, "qr_generated");
        WorkerHttp.postJson(port, "/simulator/sessions/602/scan", "{\"phoneNumber\":\"+33612345678\"}");
        backend.awaitEvent(602, "error");
        backend.sendCommand("create", 603, "+221770000603");
        backend.awaitEvent(603, "error");

        // jvm_gc_pause_* appear with the first collection the context sees; a running worker has had many.
        System.gc();
        Set<String> queried = queriedMetrics();
        assertThat(queried).contains("whatsapp_validations_total", "worker_command_duration_seconds_sum",
                "worker_events_failed_total", "jvm_memory_used_bytes", "jvm_gc_pause_seconds_count");

        await().atMost(BackendProbe.WAIT).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(queried).allSatisfy(metric -> assertThat(scrape)
                    .as("series of %s in /actuator/prometheus", metric)
                    .containsPattern("(?m)^" + Pattern.quote(metric) + "[{ ]"));
        });
    }

    private static Set<String> queriedMetrics() {
        JsonNode dashboard = JsonMapper.builder().build().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target ->
                collect(target.path("expr").asString(), names)));
        dashboard.path("templating").path("list").forEach(variable ->
                collect(variable.path("definition").asString(), names));
        return names;
    }

    private static void collect(String promQl, Set<String> names) {
        Matcher matcher = SELECTED_METRIC.matcher(promQl);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = WorkerHttp.get(port, "/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
