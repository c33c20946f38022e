package dev.waworker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/** Rows written by one statement per chunk, on SQLite in memory: all of them, their nulls, their upserts. */
class MultiRowStatementTest {

    private final SingleConnectionDataSource dataSource = new SingleConnectionDataSource("jdbc:sqlite::memory:", true);
    private final JdbcClient jdbc = JdbcClient.create(dataSource);

    private record Row(long id, String name, Long size) {
    }

    @AfterEach
    void close() {
        dataSource.destroy();
    }

    private void insert(List<Row> rows, String tail) {
        MultiRowStatement.insert(jdbc, "INSERT INTO t (id, name, size)", 3, tail, rows,
                row -> Arrays.asList(row.id(), row.name(), row.size()));
    }

    @Test
    void moreRowsThanOneStatementTakesAreWrittenInChunksAllOfThem() {
        jdbc.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, size BIGINT)").update();
        int rows = MultiRowStatement.MAX_PARAMETERS / 3 * 2 + 7; // two full chunks and a part
        insert(LongStream.rangeClosed(1, rows).mapToObj(id -> new Row(id, "n" + id, id % 2 == 0 ? null : id))
                .toList(), "");

        assertThat(jdbc.sql("SELECT COUNT(*) FROM t").query(Long.class).single()).isEqualTo(rows);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM t WHERE size IS NULL").query(Long.class).single())
                .isEqualTo(rows / 2);
        assertThat(jdbc.sql("SELECT name FROM t WHERE id = ?").param(rows).query(String.class).single())
                .isEqualTo("n" + rows);
    }

    @Test
    void anUpsertTailUpdatesTheRowsThatWereThereAndAddsTheOthers() {
        jdbc.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, size BIGINT)").update();
        insert(List.of(new Row(1, "old", 1L), new Row(2, "old", 2L)), "");

        insert(List.of(new Row(2, "new", null), new Row(3, "new", 3L)),
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, size = excluded.size");

        assertThat(jdbc.sql("SELECT id || ':' || name || ':' || COALESCE(size, '-') FROM t ORDER BY id")
                .query(String.class).list()).containsExactly("1:old:1", "2:new:-", "3:new:3");
    }

    @Test
    void noRowsNoStatement() {
        // No table at all: a statement would fail.
        insert(List.of(), "");
    }
}
