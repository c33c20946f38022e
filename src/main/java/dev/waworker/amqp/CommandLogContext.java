package dev.waworker.amqp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import org.slf4j.MDC;

import dev.waworker.session.SessionIds;

/**
 * The MDC fields of the log lines about one command: {@code workerId} (this worker), and {@code numberId} and
 * {@code sessionId} when the command's number could be read. Structured logging
 * ({@code logging.structured.format.console}) writes them as fields of each line, so that one number's lines can
 * be found without parsing text. Set around the listener's own work and carried to the threads that finish it.
 */
final class CommandLogContext {

    static final String WORKER_ID = "workerId";
    static final String NUMBER_ID = "numberId";
    static final String SESSION_ID = "sessionId";

    private final Map<String, String> fields;

    private CommandLogContext(Map<String, String> fields) {
        this.fields = fields;
    }

    /** For a message whose number is not known (yet). */
    static CommandLogContext of(String workerId) {
        return of(workerId, OptionalLong.empty(), null);
    }

    /** For a command about {@code numberId}, with its phone number as written (escaped: it may be anything). */
    static CommandLogContext of(String workerId, OptionalLong numberId, String phoneNumber) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(WORKER_ID, workerId);
        numberId.ifPresent(id -> {
            fields.put(NUMBER_ID, Long.toString(id));
            fields.put(SESSION_ID, Printable.escape(SessionIds.of(id, phoneNumber == null ? "" : phoneNumber)));
        });
        return new CommandLogContext(fields);
    }

    /** The fields the MDC holds now: to carry them to a callback that runs on another thread. */
    static CommandLogContext current() {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String key : new String[] {WORKER_ID, NUMBER_ID, SESSION_ID}) {
            String value = MDC.get(key);
            if (value != null) {
                fields.put(key, value);
            }
        }
        return new CommandLogContext(fields);
    }

    /** Puts the fields in the MDC until the returned scope closes, which restores what was there before. */
    Scope open() {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        fields.forEach(MDC::put);
        return () -> {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        };
    }

    /** {@code callback}, run with these fields in the MDC (for a future completed on another thread). */
    <T, U> BiConsumer<T, U> around(BiConsumer<T, U> callback) {
        return (first, second) -> {
            try (Scope ignored = open()) {
                callback.accept(first, second);
            }
        };
    }

    /** The same for a callback that answers something. */
    <T, U, R> BiFunction<T, U, R> aroundFunction(BiFunction<T, U, R> callback) {
        return (first, second) -> {
            try (Scope ignored = open()) {
                return callback.apply(first, second);
            }
        };
    }

    /** An MDC scope that closes without a checked exception. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
