package dev.waworker.session;

import java.util.Optional;

import dev.waworker.whatsapp.ClientEvent;
import dev.waworker.whatsapp.PairingCode;
import dev.waworker.whatsapp.StoredDevice;

/**
 * Everything that can happen to one number, as plain data. Each input arrives on the number's lane, where
 * {@link SessionDecider#decide} turns it into a {@link Step}; the world's answers to the step's effects (a client
 * opened, a pairing code obtained) come back as inputs of their own, never as calls into the running step.
 */
sealed interface Input {

    /** A command of the backend. */
    record Command(SessionCommand command) implements Input {
    }

    /**
     * The backend asks where the number stands ({@code status}); changes nothing. {@code onRecord} is what the
     * database recorded of the number, which the runner reads only when the number has no live session here.
     */
    record StatusAsked(SessionCommand command, Optional<NumberStatus> onRecord) implements Input {
    }

    /** What the number's live client reported. */
    record FromClient(ClientEvent event) implements Input {
    }

    /**
     * The client asked for by {@link Effect.Open} is open; {@code paired} when it holds a linked device, {@code paced}
     * as the effect asked.
     */
    record ClientOpened(boolean paired, boolean paced) implements Input {

        /** A client opened for a command: it connects at once. */
        ClientOpened(boolean paired) {
            this(paired, false);
        }
    }

    /** WhatsApp answered {@link Effect.RequestPairingCode} with a code. */
    record PairingCodeObtained(PairingCode code) implements Input {
    }

    /** WhatsApp refused {@link Effect.RequestPairingCode}. */
    record PairingCodeRefused(String reason) implements Input {
    }

    /** The shown QR (or code) of {@code token} is on its way to the backend as the event {@code eventId}. */
    record Announced(long token, String eventId) implements Input {
    }

    /** The broker confirmed the event {@code eventId} of this number: the backend has it. */
    record Delivered(String eventId) implements Input {
    }

    /** The expiry timer of the shown QR (or code) of {@code token} fired. */
    record ShownExpired(long token) implements Input {
    }

    /** The connection back-off of {@code token} is over. */
    record ReconnectDue(long token) implements Input {
    }

    /** The reconnect turn of {@code token} came (see {@link Effect.AwaitReconnectTurn}). */
    record ReconnectTurn(long token) implements Input {
    }

    /**
     * A record left by the last run (or by a worker that died), for a number whose device is not in the store: take
     * it up again, unless where the fleet last recorded the number ({@code recorded}, loaded by the runner when the
     * step runs) says its session ended since the record was read.
     */
    record Restart(ValidationRecord record, Optional<NumberStatus> recorded) implements Input {

        public Restart(ValidationRecord record) {
            this(record, Optional.empty());
        }
    }

    /** A linked device from the store (after a restart, or taken over from a worker that died). */
    record Reconnect(StoredDevice device) implements Input {
    }

    /** Let go of the number's client, keeping its credentials and its record: the worker stops, or lost it. */
    record Release() implements Input {
    }

    /**
     * A step of this number threw: end its validation, telling the backend {@code message} (under {@code origin},
     * the header of what the step was about, when the number has no session any more).
     */
    record StepFailed(String message, EventHeader origin) implements Input {
    }
}
