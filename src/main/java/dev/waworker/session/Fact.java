package dev.waworker.session;

import java.time.Duration;
import java.util.Optional;

import dev.waworker.session.SessionMetrics.Outcome;
import dev.waworker.session.SessionMetrics.RegenerationTrigger;

/**
 * What happened in a step, as the decision saw it: events the backend must receive and happenings worth counting.
 * The lane runner writes the events to the journal with the number's record and counts the rest.
 */
sealed interface Fact {

    /** An event for the backend, behind the number's previous ones. */
    record Publish(WorkerEvent event) implements Fact {
    }

    /**
     * What the user is shown, to be published (a QR is rendered as a PNG first); {@code fresh} when it is newly
     * shown rather than announced again. A fresh one is answered with {@link Input.Announced}, with {@code token}.
     */
    record Announce(Shown shown, EventHeader header, boolean fresh, long token) implements Fact {
    }

    /**
     * A {@code status} answer, to be published; with {@code shown}, the QR (or pairing code) the number shows now,
     * rendered into it as it was for its {@code qr_generated} (or {@code pairing_code}).
     */
    record Report(WorkerEvent.Status status, Optional<Shown> shown) implements Fact {
    }

    /** A QR (or pairing code) replaced the shown one. */
    record Regenerated(RegenerationTrigger trigger) implements Fact {
    }

    /** A validation finished; with its time to {@code connected} when it connected. */
    record ValidationFinished(Outcome outcome, Optional<Duration> timeToConnected) implements Fact {
    }
}
