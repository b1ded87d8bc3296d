package io.strata.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code v_performance_summary} (7 days of hourly rollups) against the same summary computed from raw samples, on
 * generated data in a database of its own: {@code nodes} x {@code metrics} series, raw samples every {@code
 * rawInterval} for the 168 hours ending with the current one, and hourly rollups aggregated from exactly those
 * samples (so both queries must return the same rows, which is checked). The view answers from a materialized
 * summary (migration V6): it is refreshed once after the data is generated, and that refresh is timed on its own.
 * Each query runs once to warm up, then {@code runs} times ({@code rawRuns} for the raw one); the median is reported.
 */
final class SummaryPhase {

    private static final Logger LOG = LoggerFactory.getLogger(SummaryPhase.class);
    static final String DATABASE = "summary";
    static final int HOURS = 168;

    /** The raw-sample equivalent of {@code v_performance_summary} (V3__views.sql): same columns, same buckets. */
    static final String RAW_SUMMARY = "SELECT n.node_name, s.metric_category, s.metric_name,"
            + " sum(r.value) / NULLIF(count(*), 0) AS avg_value, min(r.value) AS min_value,"
            + " max(r.value) AS max_value, s.metric_unit, count(*)::bigint AS sample_count, n.id AS node_id"
            + " FROM metric_samples r"
            + " JOIN metric_series s ON s.id = r.series_id"
            + " JOIN system_nodes n ON n.id = s.node_id"
            // The hours whose start is within the last 7 days, as the view's bucket_start >= now() - 7 days.
            + " WHERE r.measured_at >= date_trunc('hour', now() - interval '7 days' - interval '1 microsecond')"
            + " + interval '1 hour'"
            + " GROUP BY n.id, n.node_name, s.metric_category, s.metric_name, s.metric_unit";

    /** The view's specified columns (it appends refreshed_at, which the other formulations do not have). */
    static final String VIEW_SUMMARY = "SELECT node_name, metric_category, metric_name, avg_value, min_value,"
            + " max_value, metric_unit, sample_count, node_id FROM v_performance_summary";

    static final String REFRESH = "SELECT strata_refresh_performance_summary()";

    /**
     * Not the view: the summary computed at query time, hourly rows aggregated per series first (integer key, hash
     * aggregate) and only then joined to the series and nodes; what a refresh of the materialized summary runs.
     */
    static final String SERIES_FIRST_SUMMARY = "SELECT n.node_name, s.metric_category, s.metric_name,"
            + " sum(a.sum) / NULLIF(sum(a.sample_count), 0) AS avg_value, min(a.min) AS min_value,"
            + " max(a.max) AS max_value, s.metric_unit, sum(a.sample_count)::bigint AS sample_count, n.id AS node_id"
            + " FROM (SELECT series_id, sum(sum) AS sum, sum(sample_count) AS sample_count, min(min) AS min,"
            + " max(max) AS max FROM rollups_hourly WHERE bucket_start >= now() - interval '7 days'"
            + " GROUP BY series_id) a"
            + " JOIN metric_series s ON s.id = a.series_id"
            + " JOIN system_nodes n ON n.id = s.node_id"
            + " GROUP BY n.id, n.node_name, s.metric_category, s.metric_name, s.metric_unit";

    /** Medians in milliseconds, the refresh's milliseconds, row counts, whether outputs match, the volume. */
    record Result(
            double viewMillis,
            double refreshMillis,
            double rawMillis,
            double seriesFirstMillis,
            long rows,
            boolean match,
            long rawRows,
            long hourlyRows,
            double loadSeconds) {

        double speedup() {
            return viewMillis > 0 ? rawMillis / viewMillis : Double.NaN;
        }
    }

    private SummaryPhase() {}

    static Result run(BenchCluster cluster, int nodes, int metrics, Duration rawInterval, int runs, int rawRuns) {
        cluster.postgres().createDatabase(DATABASE);
        DataSource database = cluster.postgres().dataSource(DATABASE);
        io.strata.sink.db.Migrations.migrate(database);
        long started = System.nanoTime();
        String start = "date_trunc('hour', now()) - interval '" + (HOURS - 1) + " hours'";
        String end = "date_trunc('hour', now()) + interval '1 hour'";
        execute(
                database,
                "INSERT INTO system_nodes (node_key, node_name) SELECT 'bench-' || i, 'bench-node-' || lpad(i::text, 5, '0')"
                        + " FROM generate_series(1, " + nodes + ") i",
                // Five categories, one unit each; no labels, so each (node, category, name) is one series.
                "INSERT INTO metric_series (node_id, metric_category, metric_name, metric_unit, kind)"
                        + " SELECT n.id, 'category_' || (m % 5), 'metric_' || m, 'unit_' || (m % 5), 'gauge'"
                        + " FROM system_nodes n, generate_series(1, " + metrics + ") m",
                "SELECT count(*) FROM strata_ensure_partitions('metric_samples', " + start + ", " + end + ")",
                "SELECT count(*) FROM strata_ensure_partitions('rollups_hourly', " + start + ", " + end + ")");
        // Two loaders (the machine's cores), each a range of series; values are multiples of 1/4 so sums are exact.
        long seriesMax = query(database, "SELECT max(id) FROM metric_series");
        parallel(
                database,
                seriesMax,
                (lo, hi) -> "INSERT INTO metric_samples (series_id, measured_at, value)"
                        + " SELECT s.id, t, ((s.id * 7 + (extract(epoch FROM t)::bigint / " + rawInterval.toSeconds()
                        + ")) % 400) / 4.0"
                        + " FROM metric_series s, generate_series(" + start + ", " + end
                        + " - interval '1 microsecond',"
                        + " interval '" + rawInterval.toSeconds() + " seconds') t"
                        + " WHERE s.id BETWEEN " + lo + " AND " + hi);
        parallel(
                database,
                seriesMax,
                (lo, hi) -> "INSERT INTO rollups_hourly (series_id, bucket_start, bucket_end,"
                        + " sample_count, sum, min, max, avg, revision)"
                        + " SELECT series_id, date_trunc('hour', measured_at), date_trunc('hour', measured_at)"
                        + " + interval '1 hour', count(*), sum(value), min(value), max(value), avg(value), 1"
                        + " FROM metric_samples WHERE series_id BETWEEN " + lo + " AND " + hi + " GROUP BY 1, 2");
        execute(database, "VACUUM ANALYZE");
        double loadSeconds = PipelinePhase.seconds(started);
        long rawRows = query(database, "SELECT count(*) FROM metric_samples");
        long hourlyRows = query(database, "SELECT count(*) FROM rollups_hourly");
        LOG.info("Summary data: {} raw rows, {} hourly rows in {} s", rawRows, hourlyRows, (long) loadSeconds);
        // The view shows the summary as of its last refresh: the sink refreshes on a schedule, the bench once here.
        long refreshStarted = System.nanoTime();
        execute(database, REFRESH);
        double refresh = (System.nanoTime() - refreshStarted) / 1e6;
        execute(database, "VACUUM ANALYZE performance_summary_7d");
        LOG.info("Summary refreshed in {} ms", (long) refresh);

        List<List<Object>> viewRows = new ArrayList<>();
        List<List<Object>> rawOut = new ArrayList<>();
        double view = median(database, VIEW_SUMMARY, runs, viewRows);
        double raw = median(database, RAW_SUMMARY, rawRuns, rawOut);
        List<List<Object>> seriesFirstRows = new ArrayList<>();
        double seriesFirst = median(database, SERIES_FIRST_SUMMARY, runs, seriesFirstRows);
        boolean match = sameRows(viewRows, rawOut) && sameRows(viewRows, seriesFirstRows);
        explain(database, VIEW_SUMMARY);
        explain(database, SERIES_FIRST_SUMMARY);
        LOG.info(
                "Summary: view {} ms (refresh {} ms), raw {} ms, {} rows, match {}",
                view,
                refresh,
                raw,
                viewRows.size(),
                match);
        return new Result(view, refresh, raw, seriesFirst, viewRows.size(), match, rawRows, hourlyRows, loadSeconds);
    }

    /** Runs {@code sql} once to warm up, then {@code runs} times reading every row; the median milliseconds. */
    private static double median(DataSource database, String sql, int runs, List<List<Object>> lastRows) {
        double[] millis = new double[runs];
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            for (int run = -1; run < runs; run++) {
                lastRows.clear();
                long started = System.nanoTime();
                try (ResultSet rows = statement.executeQuery(sql)) {
                    ResultSetMetaData meta = rows.getMetaData();
                    while (rows.next()) {
                        List<Object> row = new ArrayList<>(meta.getColumnCount());
                        for (int c = 1; c <= meta.getColumnCount(); c++) {
                            row.add(rows.getObject(c));
                        }
                        lastRows.add(row);
                    }
                }
                if (run >= 0) {
                    millis[run] = (System.nanoTime() - started) / 1e6;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Summary query failed: " + sql, e);
        }
        return median(millis);
    }

    /** Logs the view's executed plan: where its time goes is the first thing to ask when it misses its goal. */
    private static void explain(DataSource database, String sql) {
        StringBuilder plan = new StringBuilder();
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rows = statement.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
                while (rows.next()) {
                    plan.append('\n').append(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            LOG.warn("EXPLAIN failed", e);
            return;
        }
        LOG.info("Plan of {}:{}", sql, plan);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Same rows in any order: node id (column 9), category, name; doubles compared to 1e-9 relative. */
    static boolean sameRows(List<List<Object>> a, List<List<Object>> b) {
        if (a.size() != b.size()) {
            return false;
        }
        java.util.Comparator<List<Object>> order = java.util.Comparator.<List<Object>, String>comparing(
                        row -> String.valueOf(row.get(8)))
                .thenComparing(row -> String.valueOf(row.get(1)))
                .thenComparing(row -> String.valueOf(row.get(2)));
        List<List<Object>> left = new ArrayList<>(a);
        List<List<Object>> right = new ArrayList<>(b);
        left.sort(order);
        right.sort(order);
        for (int i = 0; i < left.size(); i++) {
            List<Object> x = left.get(i);
            List<Object> y = right.get(i);
            for (int c = 0; c < x.size(); c++) {
                Object u = x.get(c);
                Object v = y.get(c);
                if (u instanceof Number p && v instanceof Number q) {
                    double d1 = p.doubleValue();
                    double d2 = q.doubleValue();
                    if (Math.abs(d1 - d2) > 1e-9 * Math.max(1, Math.max(Math.abs(d1), Math.abs(d2)))) {
                        return false;
                    }
                } else if (!Objects.equals(u, v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private interface RangeSql {
        String sql(long lo, long hi);
    }

    private static void parallel(DataSource database, long seriesMax, RangeSql statement) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long half = seriesMax / 2;
            CompletableFuture<Void> a =
                    CompletableFuture.runAsync(() -> execute(database, statement.sql(1, half)), pool);
            CompletableFuture<Void> b =
                    CompletableFuture.runAsync(() -> execute(database, statement.sql(half + 1, seriesMax)), pool);
            CompletableFuture.allOf(a, b).join();
        } finally {
            pool.shutdown();
        }
    }

    private static void execute(DataSource database, String... sql) {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            for (String each : sql) {
                statement.execute(each);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Summary data generation failed: " + Arrays.toString(sql), e);
        }
    }

    private static long query(DataSource database, String sql) {
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Query failed: " + sql, e);
        }
    }
}
