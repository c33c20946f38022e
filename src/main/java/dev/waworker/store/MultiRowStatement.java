package dev.waworker.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One statement for many rows ({@code INSERT ... VALUES (...), (...), ...}, or {@code ... IN (...)}), so that a group
 * of lane steps costs one round trip to the database per table instead of one per row: on PostgreSQL each round
 * trip is a network exchange, which made the journal's writer wait for the server most of its time. SQLite and
 * PostgreSQL both take the multi-row forms used here, and a failure is the driver's usual exception for one
 * statement (so {@link StoreFailures} reads it as before). Rows go in chunks, below both databases' limits on
 * parameters per statement (SQLite: 32,766; PostgreSQL: 65,535).
 */
final class MultiRowStatement {

    /** The most parameters in one statement. */
    static final int MAX_PARAMETERS = 30_000;

    private MultiRowStatement() {
    }

    /**
     * Runs {@code head + " VALUES (?, ...), (?, ...) " + tail} for the rows, each row's values in column order.
     *
     * @param head    the statement up to {@code VALUES}, e.g. {@code INSERT INTO t (a, b)}
     * @param tail    what follows the rows (an {@code ON CONFLICT} clause), or an empty string
     * @param columns the number of values of each row
     */
    static <T> void insert(JdbcClient jdbc, String head, int columns, String tail, List<T> rows,
            Function<T, List<Object>> values) {
        String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
        for (List<T> chunk : chunks(rows, MAX_PARAMETERS / columns)) {
            List<Object> parameters = new ArrayList<>(chunk.size() * columns);
            chunk.forEach(each -> parameters.addAll(values.apply(each)));
            jdbc.sql(head + " VALUES " + String.join(", ", Collections.nCopies(chunk.size(), row)) + " " + tail)
                    .params(parameters).update();
        }
    }

    /** {@code "?, ?, ?"}: the placeholders of an {@code IN (...)} list of {@code count} values. */
    static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    /** The list cut into lists of at most {@code size}. */
    static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            chunks.add(items.subList(from, Math.min(items.size(), from + size)));
        }
        return chunks;
    }
}
