package io.strata.e2e.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads what the sink wrote, in the shape {@link History} computes: a fresh connection per call, so that a restarted
 * PostgreSQL is simply reached again.
 */
final class PipelineDatabase {

    private static final String SERIES_KEY = "n.node_key || '|' || s.metric_category || '|' || s.metric_name || '|'"
            + " || coalesce((SELECT string_agg(l.key || '=' || l.value, ',' ORDER BY l.key)"
            + " FROM jsonb_each_text(s.labels) l), '')";

    private final DataSource dataSource;

    PipelineDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A single number; -1 while the database cannot be reached or the table does not exist yet. */
    long count(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    long rawRows() {
        return count("SELECT count(*) FROM metric_samples");
    }

    long hourlyRows() {
        return count("SELECT count(*) FROM rollups_hourly");
    }

    long dailyRows() {
        return count("SELECT count(*) FROM rollups_daily");
    }

    /** (series, measured_at) pairs stored more than once. */
    long duplicateSamples() {
        return count("SELECT count(*) FROM (SELECT 1 FROM metric_samples GROUP BY series_id, measured_at"
                + " HAVING count(*) > 1) d");
    }

    /** Series defined more than once (same node, category, name and labels). */
    long duplicateSeries() {
        return count("SELECT count(*) FROM (SELECT 1 FROM metric_series"
                + " GROUP BY node_id, metric_category, metric_name, labels HAVING count(*) > 1) d");
    }

    /** Raw samples per series key: count, sum, min, max. */
    Map<String, Aggregate.Figures> raw() {
        return query(
                "SELECT " + SERIES_KEY + ", count(*), sum(m.value), min(m.value), max(m.value)"
                        + " FROM metric_samples m JOIN metric_series s ON s.id = m.series_id"
                        + " JOIN system_nodes n ON n.id = s.node_id GROUP BY 1",
                rows -> new Aggregate.Figures(
                        rows.getLong(2), rows.getDouble(3), rows.getDouble(4), rows.getDouble(5), null, null, null));
    }

    /** The rows of {@code rollups_hourly} or {@code rollups_daily}: "series key@bucket start" to figures. */
    Map<String, Aggregate.Figures> rollups(String table) {
        return query(
                "SELECT " + SERIES_KEY + " || '@' || to_char(r.bucket_start AT TIME ZONE 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), r.sample_count, r.sum, r.min, r.max, r.first, r.last,"
                        + " r.increase FROM " + table + " r JOIN metric_series s ON s.id = r.series_id"
                        + " JOIN system_nodes n ON n.id = s.node_id",
                rows -> new Aggregate.Figures(
                        rows.getLong(2),
                        rows.getDouble(3),
                        rows.getDouble(4),
                        rows.getDouble(5),
                        rows.getDouble(6),
                        rows.getDouble(7),
                        rows.getObject(8) == null ? null : rows.getDouble(8)));
    }

    /** Rollup rows of {@code table} by revision: how many were corrected after they were first written. */
    Map<Integer, Long> revisions(String table) {
        Map<Integer, Long> result = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT revision, count(*) FROM " + table + " GROUP BY 1 ORDER BY 1")) {
            while (rows.next()) {
                result.put(rows.getInt(1), rows.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    /** change_log rows as "node key|change type|change category", one entry per row. */
    List<String> changeLog() {
        List<String> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT node_key, change_type, change_category FROM change_log ORDER BY node_key, id");
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                result.add(rows.getString(1) + "|" + rows.getString(2) + "|" + rows.getString(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    private <T> Map<String, T> query(String sql, RowMapper<T> mapper) {
        Map<String, T> result = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                T previous = result.put(rows.getString(1), mapper.map(rows));
                if (previous != null) {
                    throw new IllegalStateException("two rows for " + rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rows) throws SQLException;
    }
}
