package dev.waworker.session;

import java.time.Clock;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.waworker.whatsapp.PairingCode;

/**
 * Pairing by code: each pairing connection gives one code, asked of WhatsApp once the connection is up. A code
 * belongs to its connection, so the next code needs a new connection.
 */
final class CodeDisplay implements PairingDisplay {

    /** The session's log: operators follow one logger for a session's steps. */
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final Clock clock;
    private final SessionMetrics metrics;

    CodeDisplay(Clock clock, SessionMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public Optional<Shown> next(NumberSession session) {
        if (session.refs == null || session.codeRequested) {
            return Optional.empty();
        }
        session.codeRequested = true;
        PairingCode code = session.client.requestPairingCode();
        log.debug("Pairing code of {} is {}", session.sessionId, code.code());
        // Read the clock after WhatsApp answered: the code lives its ttl from the answer on.
        Shown shown = new Shown.Code(code.code(), clock.instant().plus(code.ttl()));
        metrics.pairingCodeGenerated();
        return Optional.of(shown);
    }

    @Override
    public String noun() {
        return "pairing code";
    }

    @Override
    public String title() {
        return "Pairing code";
    }

    @Override
    public String usedBy() {
        return "entered the pairing code";
    }
}
