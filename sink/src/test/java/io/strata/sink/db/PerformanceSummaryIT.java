package io.strata.sink.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Migrations V6 and V7: {@code v_performance_summary} over a materialized 7-day summary, refreshed by the writer, and
 * by one sink at a time on a schedule.
 */
@WithEmbeddedPostgres
class PerformanceSummaryIT {
    private static final String DATABASE = "it_perf_summary";
    private static final Instant HOUR =
            Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);

    private static Jdbi owner;
    // Logins holding only strata_writer / strata_reader.
    private static Jdbi writer;
    private static Jdbi reader;

    @BeforeAll
    static void migrate(EmbeddedPostgres postgres) {
        postgres.createDatabase(DATABASE);
        assertThat(Migrations.migrate(postgres.dataSource(DATABASE))).isEqualTo(7);
        owner = Jdbis.create(postgres.dataSource(DATABASE));
        for (String role : List.of("strata_writer", "strata_reader")) {
            String login = "it_summary_" + role.substring("strata_".length());
            owner.useHandle(h -> h.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + login
                    + "') THEN CREATE ROLE " + login + " LOGIN; END IF; END $$"));
            owner.useHandle(h -> h.execute("GRANT " + role + " TO " + login));
        }
        writer = login(postgres, "it_summary_writer");
        reader = login(postgres, "it_summary_reader");
    }

    private static Jdbi login(EmbeddedPostgres postgres, String user) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(postgres.jdbcUrl(DATABASE));
        ds.setUser(user);
        return Jdbis.create(ds);
    }

    @Test
    void shouldKeepTheColumnsOfTheViewAndAppendTheRefreshTime() {
        List<String> columns = owner.withHandle(
                h -> h.createQuery("SELECT column_name || ' ' || data_type FROM information_schema.columns "
                                + "WHERE table_schema = 'public' AND table_name = 'v_performance_summary' "
                                + "ORDER BY ordinal_position")
                        .mapTo(String.class)
                        .list());
        assertThat(columns)
                .containsExactly(
                        "node_name text",
                        "metric_category text",
                        "metric_name text",
                        "avg_value double precision",
                        "min_value double precision",
                        "max_value double precision",
                        "metric_unit text",
                        "sample_count bigint",
                        "node_id bigint",
                        "refreshed_at timestamp with time zone");
    }

    @Test
    void shouldAnswerFromTheMaterializedSummaryWithoutTouchingRollupsOrSamples() {
        List<String> lines = reader.withHandle(h -> h.createQuery("EXPLAIN SELECT * FROM v_performance_summary")
                .mapTo(String.class)
                .list());
        String plan = String.join("\n", lines);
        assertThat(plan)
                .contains("performance_summary_7d")
                .doesNotContain("rollups_hourly")
                .doesNotContain("metric_samples");
    }

    @Test
    void shouldAnswerTheSevenDaySummaryAsOfTheLastRefresh() {
        long usage0 = series("summary-a", "cpu", "usage", "percent", "{\"cpu\": \"0\"}");
        long usage1 = series("summary-a", "cpu", "usage", "percent", "{\"cpu\": \"1\"}");
        long memory = series("summary-a", "memory", "used", null, "{}");
        rollup(usage0, HOUR, 4, 100, 10, 40);
        rollup(usage1, HOUR.plus(1, ChronoUnit.HOURS), 6, 60, 5, 15);
        // Older than 7 days: not in the summary.
        rollup(usage0, HOUR.minus(10, ChronoUnit.DAYS), 1, 1000, 1000, 1000);
        rollup(memory, HOUR, 2, 8, 3, 5);
        assertThat(summaryOf("summary-a")).as("before the refresh").isEmpty();

        PerformanceSummary.Refresh refresh = new PerformanceSummary(writer).refresh();

        List<Map<String, Object>> rows = summaryOf("summary-a");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .containsEntry("metric_category", "cpu")
                .containsEntry("metric_name", "usage")
                .containsEntry("metric_unit", "percent")
                .containsEntry("avg_value", 16.0)
                .containsEntry("min_value", 5.0)
                .containsEntry("max_value", 40.0)
                .containsEntry("sample_count", 10L);
        assertThat(rows.get(1))
                .containsEntry("metric_category", "memory")
                .containsEntry("metric_unit", null)
                .containsEntry("avg_value", 4.0)
                .containsEntry("sample_count", 2L);
        Instant refreshedAt = reader.withHandle(h -> h.createQuery(
                        "SELECT DISTINCT refreshed_at FROM v_performance_summary WHERE node_name = 'summary-a'")
                .mapTo(Instant.class)
                .one());
        assertThat(refreshedAt).isEqualTo(refresh.asOf());

        // A later refresh merges the changes in (the row with a NULL unit included).
        rollup(memory, HOUR.plus(1, ChronoUnit.HOURS), 2, 20, 1, 19);
        new PerformanceSummary(writer).refresh();
        assertThat(summaryOf("summary-a").get(1))
                .containsEntry("avg_value", 7.0)
                .containsEntry("min_value", 1.0)
                .containsEntry("max_value", 19.0)
                .containsEntry("sample_count", 4L);
    }

    @Test
    void shouldLetTheWriterRefreshButNotTheReader() {
        assertThat(new PerformanceSummary(writer).refresh().asOf()).isNotNull();
        assertThatThrownBy(() -> new PerformanceSummary(reader).refresh())
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("permission denied");
        // The view is the readers' interface; the materialized view behind it is not granted to anyone.
        assertThatThrownBy(() -> reader.useHandle(h -> h.createQuery("SELECT count(*) FROM performance_summary_7d")
                        .mapTo(Long.class)
                        .one()))
                .hasMessageContaining("permission denied");
        long visible = reader.withHandle(h -> h.createQuery("SELECT count(*) FROM v_performance_summary")
                .mapTo(Long.class)
                .one());
        assertThat(visible).isNotNegative();
    }

    @Test
    void shouldKeepReadersReadingThePreviousSummaryWhileARefreshRuns() {
        long load = series("summary-b", "system", "load1", null, "{}");
        rollup(load, HOUR, 1, 2, 2, 2);
        new PerformanceSummary(writer).refresh();
        rollup(load, HOUR.plus(1, ChronoUnit.HOURS), 1, 4, 4, 4);
        try (Handle refreshing = writer.open()) {
            refreshing.begin();
            refreshing
                    .createQuery("SELECT strata_refresh_performance_summary()")
                    .mapTo(Instant.class)
                    .one();
            // The refresh holds its lock until commit; a reader must not wait for it (a wait would hit the timeout).
            List<Map<String, Object>> during = reader.withHandle(h -> {
                h.execute("SET lock_timeout = '10s'");
                return h.createQuery("SELECT sample_count FROM v_performance_summary WHERE node_name = 'summary-b'")
                        .mapToMap()
                        .list();
            });
            assertThat(during).containsExactly(Map.of("sample_count", 1L));
            refreshing.commit();
        }
        assertThat(summaryOf("summary-b")).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("sample_count", 2L)
                .containsEntry("avg_value", 3.0));
    }

    @Test
    void shouldSkipAScheduledRefreshWhenTheSummaryIsFreshOrAnotherSinkRefreshes() {
        long load = series("summary-c", "system", "load5", null, "{}");
        rollup(load, HOUR, 1, 3, 3, 3);
        PerformanceSummary summary = new PerformanceSummary(writer);
        Instant first = summary.refresh().asOf();

        assertThat(summary.refreshUnlessFresh(Duration.ofHours(1)))
                .as("refreshed a moment ago")
                .isEmpty();
        rollup(load, HOUR.plus(1, ChronoUnit.HOURS), 1, 5, 5, 5);
        assertThat(summaryOf("summary-c")).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("sample_count", 1L));

        // Another sink refreshing (it holds the refresh lock until its transaction ends): this one skips.
        try (Handle other = writer.open()) {
            other.begin();
            assertThat(other.createQuery("SELECT strata_refresh_performance_summary(interval '0')")
                            .mapTo(Instant.class)
                            .one())
                    .isAfter(first);
            assertThat(summary.refreshUnlessFresh(Duration.ZERO))
                    .as("while another refresh runs")
                    .isEmpty();
            other.commit();
        }
        assertThat(summaryOf("summary-c")).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("sample_count", 2L));

        // Old enough: refreshes (the reader may not).
        rollup(load, HOUR.plus(2, ChronoUnit.HOURS), 1, 7, 7, 7);
        assertThat(summary.refreshUnlessFresh(Duration.ZERO))
                .hasValueSatisfying(refresh -> assertThat(refresh.asOf()).isAfter(first));
        assertThat(summaryOf("summary-c")).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("sample_count", 3L));
        assertThatThrownBy(() -> new PerformanceSummary(reader).refreshUnlessFresh(Duration.ZERO))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("permission denied");
    }

    private static List<Map<String, Object>> summaryOf(String node) {
        return reader.withHandle(h -> h.createQuery("SELECT metric_category, metric_name, metric_unit, avg_value, "
                        + "min_value, max_value, sample_count FROM v_performance_summary WHERE node_name = :n "
                        + "ORDER BY metric_category, metric_name")
                .bind("n", node)
                .mapToMap()
                .list());
    }

    private static long series(String node, String category, String name, String unit, String labels) {
        return owner.inTransaction(h -> {
            h.createUpdate("INSERT INTO system_nodes (node_key, node_name) VALUES (:n, :n) ON CONFLICT DO NOTHING")
                    .bind("n", node)
                    .execute();
            return h.createQuery("INSERT INTO metric_series (node_id, metric_category, metric_name, metric_unit, "
                            + "labels, kind) SELECT id, :c, :m, :u, CAST(:l AS jsonb), 'gauge' FROM system_nodes "
                            + "WHERE node_key = :n RETURNING id")
                    .bind("n", node)
                    .bind("c", category)
                    .bind("m", name)
                    .bind("u", unit)
                    .bind("l", labels)
                    .mapTo(Long.class)
                    .one();
        });
    }

    private static void rollup(long series, Instant start, long count, double sum, double min, double max) {
        owner.useHandle(h -> h.createUpdate("INSERT INTO rollups_hourly (series_id, bucket_start, bucket_end, "
                        + "sample_count, sum, min, max, avg) VALUES (:s, :b, :e, :c, :sum, :min, :max, :sum / :c)")
                .bind("s", series)
                .bind("b", start)
                .bind("e", start.plus(1, ChronoUnit.HOURS))
                .bind("c", count)
                .bind("sum", sum)
                .bind("min", min)
                .bind("max", max)
                .execute());
    }
}
