package io.strata.sink.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.sink.dashboards.GrafanaDashboard.Query;
import io.strata.sink.db.Migrations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every dashboard in {@code deploy/grafana/dashboards} is valid Grafana JSON, and every SQL query in it runs, with
 * its macros expanded for a short, a medium and a long time range (raw, hourly and daily tiers), as a login that is
 * only a member of {@code strata_reader}, against the schema the migrations create, with a small fleet in it.
 */
@WithEmbeddedPostgres
class DashboardQueriesIT {

    private static final String DATABASE = "it_dashboards";
    private static final String READER = "strata_dashboard_it";
    private static final String NODE = "node-a";
    private static final Set<String> DASHBOARDS =
            Set.of("fleet-overview.json", "node-detail.json", "rollup-completeness.json", "pipeline-health.json");
    private static final Map<String, Duration> RANGES = Map.of(
            "6h (raw samples)", Duration.ofHours(6),
            "7d (hourly rollups)", Duration.ofDays(7),
            "365d (daily rollups)", Duration.ofDays(365));

    private static Path dashboardDir;
    private static Path datasourcesFile;
    private static String readerUrl;
    private static Instant now;

    @BeforeAll
    static void schemaFleetAndReader(EmbeddedPostgres postgres) throws SQLException {
        Path root = repositoryRoot();
        dashboardDir = root.resolve("deploy/grafana/dashboards");
        datasourcesFile = root.resolve("deploy/grafana/provisioning/datasources/strata.yml");
        postgres.createDatabase(DATABASE);
        DataSource owner = postgres.dataSource(DATABASE);
        Migrations.migrate(owner);
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (Connection connection = owner.getConnection();
                Statement statement = connection.createStatement()) {
            // Roles are cluster-wide and the embedded server is shared by the test run.
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + READER
                    + "') THEN CREATE ROLE " + READER + " LOGIN IN ROLE strata_reader; END IF; END $$");
            for (String sql : fleetFixture()) {
                statement.execute(sql);
            }
        }
        readerUrl = postgres.jdbcUrl(DATABASE);
    }

    @Test
    void shouldProvisionTheFourDashboardsAsValidGrafanaJson() throws IOException {
        Set<String> provisionedUids = provisionedDatasourceUids();
        Set<String> dashboardUids = new HashSet<>();
        List<String> files;
        try (Stream<Path> list = Files.list(dashboardDir)) {
            files = list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .toList();
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(DASHBOARDS);

        for (GrafanaDashboard dashboard : dashboards()) {
            JsonNode json = dashboard.json();
            assertThat(json.path("uid").asText())
                    .as("uid of %s", dashboard.file())
                    .matches("[a-z0-9-]{1,40}");
            assertThat(dashboardUids.add(json.path("uid").asText())).isTrue();
            assertThat(dashboard.title()).isNotBlank();
            assertThat(json.path("schemaVersion").asInt()).isPositive();
            assertThat(json.path("tags").toString()).contains("strata");
            Set<Integer> panelIds = new HashSet<>();
            for (JsonNode panel : dashboard.panels()) {
                String where = dashboard.file().getFileName() + " panel '"
                        + panel.path("title").asText() + "'";
                assertThat(panelIds.add(panel.path("id").asInt()))
                        .as("unique id of %s", where)
                        .isTrue();
                assertThat(panel.path("type").asText()).as(where).isIn("stat", "table", "timeseries", "row", "text");
                JsonNode grid = panel.path("gridPos");
                assertThat(grid.path("w").asInt()).as(where).isBetween(1, 24);
                assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                        .as(where)
                        .isLessThanOrEqualTo(24);
                assertThat(grid.path("h").asInt()).as(where).isPositive();
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(panel.path("targets").size()).as(where).isPositive();
                }
            }
            for (Query query : dashboard.queries()) {
                assertThat(query.datasourceUid()).as(query.where()).isIn(provisionedUids);
                assertThat(query.text()).as(query.where()).isNotBlank();
                if (query.datasourceUid().equals("strata-postgresql")) {
                    assertThat(query.format()).as(query.where()).isIn("table", "time_series");
                }
            }
        }
    }

    @Test
    void shouldRunEverySqlQueryAsAReaderForShortMediumAndLongRanges() throws SQLException {
        List<Query> sqlQueries = dashboards().stream()
                .flatMap(d -> d.queries().stream())
                .filter(q -> q.datasourceUid().equals("strata-postgresql"))
                .toList();
        assertThat(sqlQueries).hasSizeGreaterThan(25);

        Map<String, Integer> rowsPerQuery = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Duration> range : RANGES.entrySet()) {
            GrafanaMacros macros = new GrafanaMacros(now.minus(range.getValue()), now, Map.of("node", NODE));
            for (Query query : sqlQueries) {
                String where = query.where() + " over " + range.getKey();
                try {
                    rowsPerQuery.put(where, runAsReader(macros.expand(query.text()), query.format(), where));
                } catch (SQLException | AssertionError e) {
                    failures.add(where + ": " + e.getMessage());
                }
            }
        }

        assertThat(failures).as("queries that failed").isEmpty();
        // Each tier branch of the node detail answers for its own range, from the fixture's data.
        for (String range : RANGES.keySet()) {
            assertThat(rowsPerQuery)
                    .as("CPU utilization over %s", range)
                    .hasEntrySatisfying(
                            "node-detail.json panel 'CPU utilization' target A over " + range,
                            rows -> assertThat(rows).isPositive())
                    .hasEntrySatisfying(
                            "node-detail.json panel 'Network throughput' target A over " + range,
                            rows -> assertThat(rows).isPositive());
        }
        assertThat(rowsPerQuery)
                .hasEntrySatisfying(
                        "fleet-overview.json panel 'Nodes' target A over 6h (raw samples)",
                        rows -> assertThat(rows).isEqualTo(2));
        assertThat(rowsPerQuery)
                .hasEntrySatisfying(
                        "rollup-completeness.json panel 'Incomplete hourly buckets' target A over 7d (hourly rollups)",
                        rows -> assertThat(rows).isPositive());
    }

    @Test
    void shouldPickExactlyOneTierForTheRange() throws SQLException {
        Query tier = dashboards().stream()
                .flatMap(d -> d.queries().stream())
                .filter(q -> q.where().equals("node-detail.json panel 'Data source for this range' target A"))
                .findFirst()
                .orElseThrow();
        Map<Duration, String> expected = Map.of(
                Duration.ofHours(6), "raw samples",
                Duration.ofDays(7), "hourly rollups",
                Duration.ofDays(365), "daily rollups");
        for (Map.Entry<Duration, String> e : expected.entrySet()) {
            GrafanaMacros macros = new GrafanaMacros(now.minus(e.getKey()), now, Map.of("node", NODE));
            try (Connection connection = reader();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(macros.expand(tier.text()))) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("tier")).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void shouldFailAQueryOnATableTheReaderCannotRead() {
        assertThatThrownBy(() -> runAsReader("SELECT * FROM sink_offsets", "table", "sink_offsets"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
    }

    @Test
    void shouldFailAQueryThatNamesAMissingColumn() {
        assertThatThrownBy(() -> runAsReader("SELECT uptime_days FROM v_service_status", "table", "missing column"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42703"));
    }

    @Test
    void shouldExpandMacrosAndVariablesLikeGrafana() {
        GrafanaMacros macros = new GrafanaMacros(
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"), Map.of("node", "o'k"));

        assertThat(macros.expand("WHERE $__timeFilter(m.measured_at) AND n = ${node:sqlstring} AND x = '$node'"
                        + " AND $__timeTo()::timestamptz - $__timeFrom()::timestamptz > make_interval(secs =>"
                        + " $__interval_ms / 1000)"))
                .isEqualTo("WHERE m.measured_at BETWEEN '2026-01-01T00:00:00Z' AND '2026-01-02T00:00:00Z'"
                        + " AND n = 'o''k' AND x = 'o'k' AND '2026-01-02T00:00:00Z'::timestamptz -"
                        + " '2026-01-01T00:00:00Z'::timestamptz > make_interval(secs => 86400 / 1000)");
        assertThatThrownBy(() -> macros.expand("SELECT $__unixEpochFilter(t)"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> macros.expand("SELECT '$cluster'")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Runs one query as the reader; returns its row count. A time series must lead with a timestamp "time". */
    private static int runAsReader(String sql, String format, String where) throws SQLException {
        try (Connection connection = reader();
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(60);
            try (ResultSet rows = statement.executeQuery(sql)) {
                ResultSetMetaData meta = rows.getMetaData();
                if (format.equals("time_series")) {
                    assertThat(meta.getColumnLabel(1))
                            .as("first column of %s", where)
                            .isEqualTo("time");
                    assertThat(meta.getColumnType(1))
                            .as("type of time in %s", where)
                            .isIn(Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE);
                    assertThat(meta.getColumnCount())
                            .as("value columns of %s", where)
                            .isGreaterThan(1);
                }
                int count = 0;
                while (rows.next()) {
                    count++;
                }
                return count;
            }
        }
    }

    private static Connection reader() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", READER);
        properties.setProperty("password", "");
        // Grafana's login is read-only too (deploy/postgres/initdb); a dashboard query must never need to write.
        properties.setProperty("options", "-c default_transaction_read_only=on");
        return DriverManager.getConnection(readerUrl, properties);
    }

    private static List<GrafanaDashboard> dashboards() {
        return DASHBOARDS.stream()
                .sorted()
                .map(name -> GrafanaDashboard.read(dashboardDir.resolve(name)))
                .toList();
    }

    private static Set<String> provisionedDatasourceUids() throws IOException {
        Matcher uid = Pattern.compile("(?m)^\\s+uid:\\s*(\\S+)\\s*$").matcher(Files.readString(datasourcesFile));
        Set<String> uids = new HashSet<>();
        while (uid.find()) {
            uids.add(uid.group(1));
        }
        assertThat(uids).contains("strata-postgresql", "strata-prometheus");
        return uids;
    }

    /** The repository root: the first directory up from the module's that has deploy/grafana/dashboards. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/grafana/dashboards"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new UncheckedIOException(new IOException(
                    "no deploy/grafana/dashboards above " + Path.of("").toAbsolutePath()));
        }
        return dir;
    }

    /** Two nodes, a replication link, services, a change, and node-a's series: raw samples for the last 3 hours,
     * hourly rollups for 30 days (a few incomplete, one corrected), daily rollups for 400 days. */
    private static List<String> fleetFixture() {
        String at = "TIMESTAMPTZ '" + now + "'";
        return List.of(
                "INSERT INTO system_nodes (node_key, node_name, node_role, cpu_model, cpu_cores_total, ram_gb,"
                        + " os_name, os_version, status, last_verified) VALUES"
                        + " ('node-a-id', 'node-a', 'primary', 'Xeon', 8, 32, 'Debian', '12', 'active', " + at + "),"
                        + " ('node-b-id', 'node-b', 'replica', 'Xeon', 8, 32, 'Debian', '12', 'active', " + at + ")",
                "INSERT INTO network_interfaces (node_id, interface_name, ipv4_address, is_primary)"
                        + " SELECT id, 'eth0', ('10.0.0.' || id)::inet, TRUE FROM system_nodes",
                "INSERT INTO services (node_id, service_name, service_type, status, port, process_id, uptime_seconds)"
                        + " SELECT id, 'postgres', 'database', 'running', 5432, 100, 7200 FROM system_nodes"
                        + " UNION ALL SELECT id, 'cron', 'system', 'stopped', NULL, NULL, NULL FROM system_nodes"
                        + " WHERE node_name = 'node-b'",
                "INSERT INTO software_versions (node_id, software_name, software_version)"
                        + " SELECT id, 'postgresql', '18.1' FROM system_nodes",
                "INSERT INTO replication_status (primary_node_id, replica_node_id, link_key, application_name, state,"
                        + " sync_state, replay_lag_ms, replay_lag_bytes, last_check)"
                        + " SELECT p.id, r.id, 'node-b', 'node-b', 'streaming', 'async', 12, 4096, " + at
                        + " FROM system_nodes p, system_nodes r WHERE p.node_name = 'node-a' AND r.node_name = 'node-b'",
                "INSERT INTO change_log (node_key, node_id, change_type, table_affected, change_description,"
                        + " created_at) SELECT node_key, id, 'node', 'system_nodes', 'registered', " + at
                        + " - INTERVAL '1 hour' FROM system_nodes",
                "INSERT INTO metric_series (node_id, metric_category, metric_name, metric_unit, labels, kind)"
                        + " SELECT n.id, v.category, v.name, v.unit, v.labels::jsonb, v.kind"
                        + " FROM system_nodes n, (VALUES"
                        + " ('cpu', 'utilization', 'percent', '{}', 'gauge'),"
                        + " ('cpu', 'load_1m', NULL, '{}', 'gauge'),"
                        + " ('memory', 'used_percent', 'percent', '{}', 'gauge'),"
                        + " ('filesystem', 'used_percent', 'percent', '{\"mount\": \"/\"}', 'gauge'),"
                        + " ('disk', 'read_bytes', 'bytes', '{\"device\": \"sda\"}', 'counter'),"
                        + " ('network', 'rx_bytes', 'bytes', '{\"interface\": \"eth0\"}', 'counter'),"
                        + " ('network', 'tx_bytes', 'bytes', '{\"interface\": \"eth0\"}', 'counter'),"
                        + " ('strata.probe', 'spool_bytes', 'bytes', '{}', 'gauge'),"
                        + " ('strata.probe', 'dropped_samples', NULL, '{}', 'counter'))"
                        + " AS v (category, name, unit, labels, kind) WHERE n.node_name = 'node-a'",
                // Every 10 s for 3 hours; counters grow by 1000 per tick.
                "INSERT INTO metric_samples (series_id, measured_at, value)"
                        + " SELECT s.id, t, CASE WHEN s.kind = 'counter'"
                        + " THEN extract(epoch FROM t - (" + at + " - INTERVAL '3 hours')) * 100"
                        + " ELSE 40 + (extract(epoch FROM t)::bigint % 20) END"
                        + " FROM metric_series s, generate_series(" + at + " - INTERVAL '3 hours', " + at
                        + ", INTERVAL '10 seconds') AS t",
                "INSERT INTO rollups_hourly (series_id, bucket_start, bucket_end, sample_count, sum, min, max, avg,"
                        + " first, last, increase, revision, samples_expected)"
                        + " SELECT s.id, b, b + INTERVAL '1 hour', c, 45.0 * c, 40, 59, 45, 41, 58,"
                        + " CASE WHEN s.kind = 'counter' THEN 360000 END, CASE WHEN h % 97 = 0 THEN 1 ELSE 0 END, 360"
                        + " FROM metric_series s,"
                        + " generate_series(1, 720) AS h,"
                        + " LATERAL (SELECT date_trunc('hour', " + at + ") - h * INTERVAL '1 hour' AS b,"
                        + " CASE WHEN h % 50 = 0 THEN 300 ELSE 360 END AS c) AS bucket",
                "INSERT INTO rollups_daily (series_id, bucket_start, bucket_end, sample_count, sum, min, max, avg,"
                        + " first, last, increase, revision, samples_expected)"
                        + " SELECT s.id, b, b + INTERVAL '1 day', 8640, 45.0 * 8640, 40, 59, 45, 41, 58,"
                        + " CASE WHEN s.kind = 'counter' THEN 8640000 END, 0, 8640"
                        + " FROM metric_series s, generate_series(1, 400) AS d,"
                        + " LATERAL (SELECT date_trunc('day', " + at + " AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
                        + " - d * INTERVAL '1 day' AS b) AS bucket");
    }
}
