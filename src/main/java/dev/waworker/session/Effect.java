package dev.waworker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.waworker.whatsapp.ClientSpec;

/**
 * What a step asks the world to do. The lane runner carries the effects out in order; the two whose result matters
 * ({@link Open}, {@link RequestPairingCode}) answer with a new {@link Input} for the same lane.
 */
sealed interface Effect {

    Effect CONNECT = new Connect();
    Effect DISCONNECT = new Disconnect();
    Effect REQUEST_PAIRING_CODE = new RequestPairingCode();
    Effect CANCEL_TIMERS = new CancelTimers();

    /**
     * Open a client for the number; answered with {@link Input.ClientOpened}. {@code paced}: a linked device coming
     * back (restart, take-over), whose connection waits for its turn (see {@link ReconnectPacing}).
     */
    record Open(ClientSpec spec, boolean paced) implements Effect {
    }

    /** Connect the number's client to WhatsApp. */
    record Connect() implements Effect {
    }

    /** Close the client's connection (the client stays open). */
    record Disconnect() implements Effect {
    }

    /**
     * Ask WhatsApp for the pairing code of the current connection; answered with {@link Input.PairingCodeObtained}
     * or {@link Input.PairingCodeRefused}.
     */
    record RequestPairingCode() implements Effect {
    }

    /** Cancel the pending expiry and reconnection timers. */
    record CancelTimers() implements Effect {
    }

    /** Drop the number's client: timers cancelled, the device logged out when asked, the client released. */
    record End(boolean logOut) implements Effect {
    }

    /**
     * Delete the number's stored device (it has no live session); publish {@code ifForgotten} only if there was one
     * (the store alone knows), or if the fleet's record says a session of the number still runs (its worker died).
     */
    record Forget(long numberId, Optional<WorkerEvent> ifForgotten) implements Effect {
    }

    /** Queue {@link Input.ShownExpired} with {@code token} at {@code at}. */
    record ScheduleExpiry(Instant at, long token) implements Effect {
    }

    /**
     * Reserve the number's turn among the linked numbers reconnecting at once ({@link ReconnectPacing#reserve}) and
     * queue {@link Input.ReconnectTurn} with {@code token} then.
     */
    record AwaitReconnectTurn(long token) implements Effect {
    }

    /**
     * Connect now if the pacing admits one more connection this second ({@link ReconnectPacing#admit}); otherwise
     * queue {@link Input.ReconnectTurn} with {@code token} again when it will.
     */
    record ConnectWhenAdmitted(long token) implements Effect {
    }

    /** Queue {@link Input.ReconnectDue} with {@code token} after {@code delay}. */
    record ScheduleReconnect(Duration delay, long token) implements Effect {
    }
}
