package dev.waworker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.waworker.session.SessionMetrics.Outcome;
import dev.waworker.session.SessionMetrics.RegenerationTrigger;

/**
 * What a {@link NumberValidation} transition asks the world to do. Transitions only decide; {@link SessionManager}
 * carries the effects out, in the order they were returned, on the number's lane.
 */
sealed interface Effect {

    Effect CONNECT = new Connect();
    Effect DISCONNECT = new Disconnect();
    Effect REQUEST_PAIRING_CODE = new RequestPairingCode();
    Effect CANCEL_TIMERS = new CancelTimers();

    /** Connect the number's client to WhatsApp. */
    record Connect() implements Effect {
    }

    /** Close the client's connection (the client stays open). */
    record Disconnect() implements Effect {
    }

    /**
     * Ask WhatsApp for the pairing code of the current connection; the answer comes back to
     * {@link NumberValidation#onPairingCode} or {@link NumberValidation#onNoPairingCode}.
     */
    record RequestPairingCode() implements Effect {
    }

    /** Cancel the pending expiry and reconnection timers. */
    record CancelTimers() implements Effect {
    }

    /** Drop the number's session: timers cancelled, the device logged out when asked, the client released. */
    record End(boolean logOut) implements Effect {
    }

    /**
     * Open a new client for the command's number and start a session on it.
     *
     * @param waitingSince when the user started waiting, for a validation that goes on under a new session
     * @param resumed      the record of a validation taken up again after a restart: its budget goes on
     */
    record Start(SessionCommand command, Optional<Instant> waitingSince, Optional<ValidationRecord> resumed)
            implements Effect {

        Start(SessionCommand command, Optional<Instant> waitingSince) {
            this(command, waitingSince, Optional.empty());
        }
    }

    /** Delete the number's stored device (it has no live session); publish {@code ifForgotten} if there was one. */
    record Forget(long numberId, Optional<WorkerEvent> ifForgotten) implements Effect {
    }

    /** Publish the event, behind the number's previous ones. */
    record Publish(WorkerEvent event) implements Effect {
    }

    /**
     * Publish what the user is shown (rendering a QR as a PNG); {@code fresh} when it is newly shown rather than
     * announced again. Once the broker confirmed it, {@link NumberValidation#onShownDelivered} is told, with
     * {@code token}.
     */
    record Announce(Shown shown, EventHeader header, boolean fresh, long token) implements Effect {
    }

    /** Fire {@link NumberValidation#onShownExpired} with {@code token} at {@code at}. */
    record ScheduleExpiry(Instant at, long token) implements Effect {
    }

    /** Fire {@link NumberValidation#onReconnectDue} with {@code token} after {@code delay}. */
    record ScheduleReconnect(Duration delay, long token) implements Effect {
    }

    /** Count a replaced QR (or pairing code). */
    record CountRegeneration(RegenerationTrigger trigger) implements Effect {
    }

    /** Count a finished validation, and its time to {@code connected} when it connected. */
    record ValidationFinished(Outcome outcome, Optional<Duration> timeToConnected) implements Effect {
    }
}
