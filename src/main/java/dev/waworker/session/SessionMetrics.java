package dev.waworker.session;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The session layer's meters, named once here so that dashboards have one place to look. */
public final class SessionMetrics {

    /** How a validation (from {@code create} or {@code regenerate_qr} to its end) finished. */
    public enum Outcome {
        CONNECTED, QR_RETRIES_EXHAUSTED, PHONE_MISMATCH, CONNECT_FAILED, PAIR_FAILED, CLIENT_OUTDATED,
        TEMPORARY_BAN, PASSKEY_REQUIRED, CLOSED, SUPERSEDED, INTERNAL_ERROR
    }

    /**
     * What caused a new QR (or pairing code) to replace the shown one. {@code UNSEEN}: it expired before the broker
     * took its event, so the backend never saw it; it is replaced without spending an attempt.
     */
    public enum RegenerationTrigger {
        EXPIRY, MANUAL, UNSEEN
    }

    private final MeterRegistry registry;
    private final Counter qrGenerated;
    private final Counter pairingCodeGenerated;
    private final Timer timeToConnected;
    private final Timer reconnectWait;
    private final Timer expiryLateness;

    public SessionMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.qrGenerated = Counter.builder("whatsapp.qr.generated")
                .description("QR codes published for users to scan")
                .register(registry);
        this.pairingCodeGenerated = Counter.builder("whatsapp.pairing.codes.generated")
                .description("Pairing codes published for users to type on their phone")
                .register(registry);
        this.timeToConnected = Timer.builder("whatsapp.validation.time.to.connected")
                .description("Time from the command that started a validation to the connected session")
                .publishPercentileHistogram()
                .register(registry);
        this.expiryLateness = Timer.builder("whatsapp.qr.expiry.lateness")
                .description("From the instant the shown QR (or pairing code) was due to expire to the start of the"
                        + " step that handles its expiry (the timer's hand-over and the wait for the number's lane)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.reconnectWait = Timer.builder("whatsapp.reconnect.wait")
                .description("How long a linked device coming back (restart, take-over) waited for its reconnect turn")
                .register(registry);
    }

    /** Registers one gauge per state, reading the live count from {@code countByState} at scrape time. */
    void watchSessions(Function<SessionState, Long> countByState) {
        for (SessionState state : SessionState.values()) {
            Gauge.builder("whatsapp.sessions", () -> countByState.apply(state))
                    .description("Live sessions by state")
                    .tag("state", state.name().toLowerCase())
                    .register(registry);
        }
    }

    /** The gauge of the linked devices coming back that wait for their reconnect turn. */
    void watchReconnectsWaiting(LongSupplier waiting) {
        Gauge.builder("whatsapp.reconnects.waiting", waiting::getAsLong)
                .description("Linked devices coming back (restart, take-over) that wait for their reconnect turn")
                .register(registry);
    }

    /** A paced reconnect started after waiting {@code wait} for its turn; the maximum is the time to the last. */
    void reconnectStarted(Duration wait) {
        reconnectWait.record(wait);
    }

    /** The expiry of a shown QR (or pairing code) is handled {@code late} after its due instant. */
    void shownExpiryHandled(Duration late) {
        expiryLateness.record(late);
    }

    void qrGenerated() {
        qrGenerated.increment();
    }

    void pairingCodeGenerated() {
        pairingCodeGenerated.increment();
    }

    void qrRegenerated(RegenerationTrigger trigger) {
        registry.counter("whatsapp.qr.regenerations", "trigger", trigger.name().toLowerCase()).increment();
    }

    /** A validation finished as {@code outcome}; one that connected tells how long the user waited. */
    void validationFinished(Outcome outcome, Optional<Duration> timeToConnected) {
        registry.counter("whatsapp.validations", "outcome", outcome.name().toLowerCase()).increment();
        timeToConnected.ifPresent(this.timeToConnected::record);
    }

    void laneStepFailed(LaneStep step) {
        registry.counter("whatsapp.lane.failures", "step", step.tag()).increment();
    }


}
