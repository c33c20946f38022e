package dev.waworker.session;

/** What the backend reads when a step of its number failed: the kind of failure and what to do, never a stack. */
final class InternalErrorMessage {

    private InternalErrorMessage() {
    }

    static String of(RuntimeException failure) {
        String detail = failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + firstLine(failure.getMessage());
        return "The worker failed while handling this number (" + detail + "). Nothing is running for it any"
                + " more; please request a new validation.";
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
