package dev.waworker.amqp;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Reading the failure of a future: dependent stages wrap it in {@link CompletionException}. */
final class Failures {

    private Failures() {
    }

    /** The exception that actually failed the work, without the wrappers futures add around it. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * A one-line description of the failure for a log line or a header, its control characters escaped: a
     * message may quote what a sender wrote.
     */
    static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        return Printable.escape(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }
}
