package dev.waworker.amqp;

import java.util.Objects;
import java.util.Optional;

import dev.waworker.session.SessionCommand;

/**
 * A well-formed command as read from the wire.
 *
 * @param workerId the worker the backend addressed it to ({@code data.workerId}), if any; an integer id is
 *                 given as its decimal text
 */
public record ParsedCommand(SessionCommand command, Optional<String> workerId) {
    public ParsedCommand {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(workerId, "workerId");
    }
}
