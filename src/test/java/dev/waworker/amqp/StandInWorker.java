package dev.waworker.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import dev.waworker.WorkerApplication;
import dev.waworker.testing.StandInServer;

/**
 * The whole worker with whatsmeow pointed at the stand-in WhatsApp server, on the test worker's data directory each
 * time (so that a second start finds what the first stored). The settings go in as command-line arguments, as an
 * operator's would: they outrank the packaged application.yml.
 */
final class StandInWorker {

    private StandInWorker() {
    }

    static ConfigurableApplicationContext start(TestWorker worker, StandInServer whatsApp, Map<String, ?> extra) {
        return start(worker, whatsApp, extra, prepared -> { });
    }

    /**
     * The same, calling {@code onPrepared} once Spring Boot has set the logging up and before any bean starts: the
     * moment to attach a {@link dev.waworker.testing.LogCapture} (one attached earlier is dropped by that set-up).
     */
    static ConfigurableApplicationContext start(TestWorker worker, StandInServer whatsApp, Map<String, ?> extra,
            ApplicationListener<ApplicationPreparedEvent> onPrepared) {
        Map<String, Object> properties = new HashMap<>(worker.properties());
        properties.remove("whatsapp.client");
        properties.putAll(whatsApp.workerProperties());
        properties.put("server.port", 0);
        properties.putAll(extra);
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerApplication.class)
                .listeners(onPrepared).run(arguments);
        assertThat(context.getEnvironment().getProperty("worker.data-dir")).isEqualTo(worker.dataDir().toString());
        return context;
    }
}
