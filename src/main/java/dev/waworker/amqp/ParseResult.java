package dev.waworker.amqp;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.waworker.session.SessionCommand;

/** How {@link CommandParser} classified one command message: exactly one of four outcomes. */
public sealed interface ParseResult {

    /** A command to carry out, here or on the worker it names. */
    record Valid(ParsedCommand command) implements ParseResult {
        public Valid {
            Objects.requireNonNull(command, "command");
        }
    }

    /**
     * A {@code status} without a number: a resync of every number the worker fleet knows, answered by the worker
     * that reads it.
     *
     * @param requestId the {@code data.requestId} the backend tagged it with, if any
     */
    record Resync(Optional<String> requestId) implements ParseResult {
        public Resync {
            Objects.requireNonNull(requestId, "requestId");
        }
    }

    /** A message the contract tells us to drop silently (workers' own {@code worker_status}). */
    record Ignored(String reason) implements ParseResult {
        public Ignored {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A message that is not a command we can carry out.
     *
     * @param reason      why, in words an operator reading the dead-letter queue understands; no control
     *                    characters (what came from the message is escaped)
     * @param action      the command's action when it was one of the contract's, whatever else was wrong
     * @param numberId    the number it was about, when that much could be read: the backend is then told
     * @param phoneNumber the {@code phoneNumber} text exactly as given (valid or not), when it was a string
     */
    record Invalid(String reason, Optional<SessionCommand.Type> action, OptionalLong numberId,
            Optional<String> phoneNumber) implements ParseResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(numberId, "numberId");
            Objects.requireNonNull(phoneNumber, "phoneNumber");
        }
    }
}
