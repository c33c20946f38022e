package dev.waworker.bootstrap;

import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.random.RandomGenerator;

import org.slf4j.MDC;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

import dev.waworker.config.WhatsAppProperties;
import dev.waworker.config.WorkerProperties;
import dev.waworker.qr.QrCodeRenderer;
import dev.waworker.session.ReconnectPacing;
import dev.waworker.session.ValidationJournal;
import dev.waworker.session.ScheduledExecutorTimers;
import dev.waworker.session.SessionHandOver;
import dev.waworker.session.SessionManager;
import dev.waworker.session.SessionMetrics;
import dev.waworker.session.SessionSettings;
import dev.waworker.whatsapp.WhatsAppClientFactory;

/** Wires the plain-Java session layer into Spring: it knows nothing of Spring itself. */
@Configuration(proxyBeanMethods = false)
public class SessionConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Every session's timers (QR expiry, connection back-off, reconnect turns) on one thread, {@code session-timers}:
     * a timer only queues a step on its number's lane, so the thread count does not grow with the sessions.
     */
    @Bean(destroyMethod = "close")
    ScheduledExecutorTimers sessionTimers() {
        return new ScheduledExecutorTimers();
    }

    @Bean
    QrCodeRenderer qrCodeRenderer() {
        return new QrCodeRenderer();
    }

    @Bean
    SessionSettings sessionSettings(WhatsAppProperties whatsApp) {
        return new SessionSettings(whatsApp.qr().maxRetries(), whatsApp.whatsmeow().connectAttempts(),
                whatsApp.whatsmeow().connectBackoff());
    }

    /**
     * Lanes run on platform threads, reused between steps. Not on virtual threads: a lane step may call into the
     * native bridge, and some calls wait for WhatsApp (a pairing code, a logout: up to the bridge's 30 s timeout).
     * A virtual thread inside a native call pins its carrier, and with one carrier per core two such calls would
     * stall every other number's lane. Most steps take a millisecond or less, so few threads are busy at once;
     * the pool is fixed ({@code worker.lane-threads}) so that a burst of slow native calls cannot grow it without
     * bound. Its queue needs no bound of its own: a lane hands the pool its next step only when the previous one
     * finished, so it holds at most one step per number.
     */
    @Bean(destroyMethod = "shutdown")
    ExecutorService sessionLaneExecutor(WorkerProperties worker) {
        ThreadFactory threads = Thread.ofPlatform().name("lane-", 0).daemon().factory();
        // Each lane thread carries this worker's id in its MDC for good: every session log line has it as a field.
        return Executors.newFixedThreadPool(worker.laneThreads(), task -> threads.newThread(() -> {
            MDC.put("workerId", worker.id());
            task.run();
        }));
    }

    /** One pacing for the whole worker: the restart's devices and every take-over share its rate. */
    @Bean
    ReconnectPacing reconnectPacing(WhatsAppProperties whatsApp, Clock clock) {
        return new ReconnectPacing(whatsApp.reconnect().ratePerSecond(), whatsApp.reconnect().jitter(), clock,
                RandomGenerator.getDefault());
    }

    /** The reconnect turns wait on the session timers' one thread: no thread per number. */
    @Bean
    SessionManager sessionManager(WhatsAppClientFactory whatsApp, QrCodeRenderer qrCodeRenderer, ValidationJournal journal,
                                  SessionSettings settings, Clock clock, ScheduledExecutorTimers timers,
                                  MeterRegistry meters, ExecutorService sessionLaneExecutor, ReconnectPacing pacing) {
        return new SessionManager(whatsApp, qrCodeRenderer, journal, settings, clock, timers,
                new SessionMetrics(meters), sessionLaneExecutor, pacing);
    }

    /** How sessions change hands: restarts, take-overs, releases (used by the restorer and the ownership). */
    @Bean
    SessionHandOver sessionHandOver(SessionManager sessions, WhatsAppClientFactory whatsApp) {
        return new SessionHandOver(sessions, whatsApp);
    }
}
