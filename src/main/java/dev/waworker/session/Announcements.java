package dev.waworker.session;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.qr.QrCodeRenderer;

/**
 * Turns what a session shows the user into its event: a QR rendered as a PNG data URL, a pairing code as it is.
 * Counts the freshly shown ones. The QR's payload is a credential: logged at DEBUG only.
 */
final class Announcements {

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final QrCodeRenderer qrRenderer;
    private final SessionMetrics metrics;

    Announcements(QrCodeRenderer qrRenderer, SessionMetrics metrics) {
        this.qrRenderer = qrRenderer;
        this.metrics = metrics;
    }

    /**
     * Whether events with this action announce what a session shows ({@code qr_generated}, {@code pairing_code}, see
     * {@link #eventOf}): the only events whose confirm a session waits for.
     */
    static boolean announces(String action) {
        return "qr_generated".equals(action) || "pairing_code".equals(action);
    }

    WorkerEvent eventOf(Fact.Announce announce) {
        EventHeader header = announce.header();
        return switch (announce.shown()) {
            case Shown.Qr qr -> {
                log.debug("QR {} of {} encodes {}", qr.qrIndex(), header.sessionId(), qr.ref());
                if (announce.fresh()) {
                    metrics.qrGenerated();
                }
                yield new WorkerEvent.QrGenerated(header, qrRenderer.toPngDataUrl(qr.ref()), qr.expiresAt(),
                        qr.qrIndex());
            }
            case Shown.Code code -> {
                if (announce.fresh()) {
                    metrics.pairingCodeGenerated();
                }
                yield new WorkerEvent.PairingCode(header, code.code(), code.expiresAt());
            }
        };
    }

    /**
     * The {@code status} answer with what the number shows now: its QR rendered again from the kept ref (the same
     * image text as its {@code qr_generated}), or its pairing code. Not counted as generated: nothing new is shown.
     */
    WorkerEvent statusOf(Fact.Report report) {
        WorkerEvent.Status status = report.status();
        return report.shown().map(shown -> switch (shown) {
            case Shown.Qr qr -> {
                log.debug("QR {} of {} (status) encodes {}", qr.qrIndex(), status.header().sessionId(), qr.ref());
                yield status.showing(Optional.of(qrRenderer.toPngDataUrl(qr.ref())), Optional.empty());
            }
            case Shown.Code code -> status.showing(Optional.empty(), Optional.of(code.code()));
        }).orElse(status);
    }
}
