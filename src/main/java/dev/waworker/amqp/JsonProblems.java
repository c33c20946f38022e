package dev.waworker.amqp;

import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Says in our own words why a body is not JSON. Jackson's messages name its internals (classes, methods such as
 * {@code StreamReadConstraints.getMaxNestingDepth()}, settings to change) and quote the input, control characters
 * included; they go neither into logs nor into the {@code x-error} header a backend reads.
 */
final class JsonProblems {

    private JsonProblems() {
    }

    /** What is wrong, and where when the parser knows: a short phrase without anything from the input. */
    static String describe(JacksonException failure) {
        return what(failure) + where(failure.getLocation());
    }

    private static String what(JacksonException failure) {
        if (failure instanceof StreamConstraintsException) {
            return "nested too deeply, or a number, name or text too long, for a command";
        }
        if (failure instanceof UnexpectedEndOfInputException) {
            return "it ends before the JSON value is complete";
        }
        if (failure instanceof MismatchedInputException) {
            // The only mismatch a tree read reports: something after the value (FAIL_ON_TRAILING_TOKENS).
            return "more follows the JSON value";
        }
        String original = failure.getOriginalMessage();
        if (original != null && original.toLowerCase(Locale.ROOT).startsWith("duplicate")) {
            return "a property appears twice in one object";
        }
        return "malformed JSON";
    }

    private static String where(TokenStreamLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
