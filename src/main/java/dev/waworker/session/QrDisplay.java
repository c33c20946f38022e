package dev.waworker.session;

import java.time.Clock;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.qr.QrCodeRenderer;

/** Pairing by QR: each ref of the connection is shown in turn, as a PNG, for its own lifetime. */
final class QrDisplay implements PairingDisplay {

    /** The session's log: operators follow one logger for a session's steps. */
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final QrCodeRenderer renderer;
    private final Clock clock;
    private final SessionMetrics metrics;

    QrDisplay(QrCodeRenderer renderer, Clock clock, SessionMetrics metrics) {
        this.renderer = renderer;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Optional<Shown> next(NumberSession session) {
        if (!session.hasRefLeft()) {
            return Optional.empty();
        }
        int position = session.nextRef++;
        String pairingString = session.refs.codes().get(position);
        session.qrIndex++;
        log.debug("QR {} of {} encodes {}", session.qrIndex, session.sessionId, pairingString);
        Shown qr = new Shown.Qr(renderer.toPngDataUrl(pairingString),
                clock.instant().plus(session.refs.ttlOf(position)), session.qrIndex);
        metrics.qrGenerated();
        return Optional.of(qr);
    }

    @Override
    public String noun() {
        return "QR code";
    }

    @Override
    public String title() {
        return "QR Code";
    }

    @Override
    public String usedBy() {
        return "scanned the QR code";
    }
}
