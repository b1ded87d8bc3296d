package io.strata.sink.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.avro.NodeService;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.sink.db.Jdbis;
import io.strata.sink.db.Migrations;
import io.strata.sink.db.PartitionMaintenance;
import io.strata.sink.db.PartitionedTable;
import io.strata.sink.db.PerformanceSummary;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The state writers against a real PostgreSQL: each test gets a fresh database with the fixture fleet applied. */
@WithEmbeddedPostgres
class StateWritersIT {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
    private static EmbeddedPostgres postgres;

    private final NodeInventoryWriter inventories = new NodeInventoryWriter();
    private final PostgresStateWriter states = new PostgresStateWriter();
    private final ChangeLogWriter changes = new ChangeLogWriter();
    // Writes go through a login holding only strata_writer, reads through one holding only strata_reader.
    private Jdbi writer;
    private Jdbi reader;

    @BeforeAll
    static void template(EmbeddedPostgres shared) {
        postgres = shared;
        // Migrated once; each test copies it (CREATE DATABASE ... TEMPLATE), far quicker than migrating again.
        postgres.createDatabase("it_state_template");
        Migrations.migrate(postgres.dataSource("it_state_template"));
        Jdbi admin = Jdbis.create(postgres.dataSource("it_state_template"));
        for (String role : List.of("strata_writer", "strata_reader")) {
            String login = "it_state_" + role.substring("strata_".length());
            admin.useHandle(h -> h.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + login
                    + "') THEN CREATE ROLE " + login + " LOGIN; END IF; END $$"));
            admin.useHandle(h -> h.execute("GRANT " + role + " TO " + login));
        }
    }

    private static Jdbi login(String database, String user) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(postgres.jdbcUrl(database));
        ds.setUser(user);
        return Jdbis.create(ds);
    }

    @BeforeEach
    void freshDatabaseWithTheFleet() throws Exception {
        String name = "it_state_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE it_state_template");
        }
        writer = login(name, "it_state_writer");
        reader = login(name, "it_state_reader");
        writer.useTransaction(h -> {
            assertThat(inventories.apply(h, Fleet.primary(T0)).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            assertThat(inventories.apply(h, Fleet.replica(T0)).outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
            states.apply(h, Fleet.primaryState(T0).build());
            states.apply(h, Fleet.replicaState(T0).build());
        });
    }

    @Test
    void shouldShowBothNodesInTheSystemOverview() {
        List<Map<String, Object>> rows = query("SELECT node_name, node_role, cpu_cores_total, ram_gb::text AS ram, "
                + "status, host(primary_ip) AS ip, running_services, installed_software "
                + "FROM v_system_overview ORDER BY node_name");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .containsEntry("node_name", Fleet.PRIMARY)
                .containsEntry("node_role", "primary")
                .containsEntry("cpu_cores_total", 8)
                .containsEntry("ram", "64.000")
                .containsEntry("status", "active")
                .containsEntry("ip", "10.0.0.1")
                .containsEntry("running_services", 2L)
                .containsEntry("installed_software", 2L);
        assertThat(rows.get(1))
                .containsEntry("node_name", Fleet.REPLICA)
                .containsEntry("node_role", "replica")
                .containsEntry("ip", "10.0.0.2");
    }

    @Test
    void shouldShowTheReplicationLinkWithTheReplicaResolvedToItsNode() {
        List<Map<String, Object>> rows = query("SELECT primary_node, replica_node, slot_name, state, sync_state, "
                + "replay_lag_ms, replay_lag_bytes, is_active, last_check FROM v_replication_health");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0))
                .containsEntry("primary_node", Fleet.PRIMARY)
                .containsEntry("replica_node", Fleet.REPLICA)
                .containsEntry("slot_name", "replica_slot")
                .containsEntry("state", "streaming")
                .containsEntry("sync_state", "async")
                .containsEntry("replay_lag_ms", 12L)
                .containsEntry("replay_lag_bytes", 4096L)
                .containsEntry("is_active", true);
        assertThat(((java.sql.Timestamp) rows.get(0).get("last_check")).toInstant())
                .isEqualTo(T0);
        assertThat(scalar("SELECT count(*) FROM replication_status WHERE replica_node_id = "
                        + "(SELECT id FROM system_nodes WHERE node_key = '" + Fleet.REPLICA_KEY + "')"))
                .isEqualTo(1L);
    }

    @Test
    void shouldListEveryServiceWithItsUptimeInHours() {
        List<Map<String, Object>> rows = query("SELECT node_name, service_name, service_type, status, port, "
                + "uptime_hours::text AS hours FROM v_service_status ORDER BY node_name, service_name");
        assertThat(rows)
                .extracting(r -> r.get("node_name") + "/" + r.get("service_name") + "/" + r.get("status"))
                .containsExactly(
                        "pg-primary/node_exporter/running",
                        "pg-primary/postgresql/running",
                        "pg-replica/backup-agent/running",
                        "pg-replica/postgresql/running");
        assertThat(rows.get(1)).containsEntry("port", 5432).containsEntry("hours", "2.00");
    }

    @Test
    void shouldShowActiveSettingsWithPendingRestarts() {
        List<Map<String, Object>> rows = query("SELECT node_name, setting_name, setting_value, setting_unit, "
                + "is_active, requires_restart, pending_value FROM v_current_configuration "
                + "ORDER BY node_name, setting_name");
        assertThat(rows)
                .extracting(r -> r.get("node_name") + "/" + r.get("setting_name") + "=" + r.get("setting_value"))
                .containsExactly(
                        "pg-primary/max_connections=100",
                        "pg-primary/shared_buffers=16384",
                        "pg-primary/work_mem=4096",
                        "pg-replica/hot_standby=on",
                        "pg-replica/max_connections=100");
        assertThat(rows.get(1))
                .containsEntry("setting_unit", "8kB")
                .containsEntry("requires_restart", true)
                .containsEntry("pending_value", "32768");
    }

    @Test
    void shouldAnswerPerformanceMetricsAndTheSummaryFromRollups() {
        Instant now = Instant.now();
        writer.useTransaction(h -> {
            PartitionMaintenance maintenance =
                    new PartitionMaintenance(writer, RetentionPolicy.defaults(), Clock.systemUTC());
            maintenance.ensurePartitionsFor(h, PartitionedTable.METRIC_SAMPLES, now.minusSeconds(60), now);
            long node = Nodes.findId(h, Fleet.PRIMARY_KEY).orElseThrow();
            long series = h.createQuery("INSERT INTO metric_series (node_id, metric_category, metric_name, "
                            + "metric_unit, labels, kind) VALUES (:n, 'cpu', 'usage', 'percent', "
                            + "'{\"cpu\": \"0\"}', 'gauge') RETURNING id")
                    .bind("n", node)
                    .mapTo(Long.class)
                    .one();
            h.createUpdate("INSERT INTO metric_samples VALUES (:s, :a, 10.5), (:s, :b, 20.25)")
                    .bind("s", series)
                    .bind("a", now.minusSeconds(30))
                    .bind("b", now.minusSeconds(20))
                    .execute();
            Instant hour = now.truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
            h.createUpdate("INSERT INTO rollups_hourly (series_id, bucket_start, bucket_end, sample_count, sum, "
                            + "min, max, avg, first, last) VALUES (:s, :b, :e, 4, 100, 10, 40, 25, 10, 40), "
                            + "(:s, :b2, :e2, 6, 60, 5, 15, 10, 5, 15), "
                            // Older than 7 days: not in the summary.
                            + "(:s, :old, :oldEnd, 1, 1000, 1000, 1000, 1000, 1000, 1000)")
                    .bind("s", series)
                    .bind("b", hour)
                    .bind("e", hour.plus(1, ChronoUnit.HOURS))
                    .bind("b2", hour.plus(1, ChronoUnit.HOURS))
                    .bind("e2", hour.plus(2, ChronoUnit.HOURS))
                    .bind("old", hour.minus(10, ChronoUnit.DAYS))
                    .bind("oldEnd", hour.minus(10, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS))
                    .execute();
        });
        List<Map<String, Object>> samples = query("SELECT node_id, metric_category, metric_name, metric_value, "
                + "metric_unit, test_type, test_conditions, measured_at, measured_by, metadata->>'cpu' AS cpu "
                + "FROM performance_metrics ORDER BY measured_at");
        assertThat(samples).extracting(r -> r.get("metric_value")).containsExactly(10.5, 20.25);
        assertThat(samples.get(0))
                .containsEntry("metric_category", "cpu")
                .containsEntry("metric_name", "usage")
                .containsEntry("metric_unit", "percent")
                .containsEntry("test_type", "telemetry")
                .containsEntry("measured_by", "strata-probe")
                .containsEntry("cpu", "0");
        // The summary is materialized: it shows the rollups once refreshed (the sink does so on a schedule).
        assertThat(query("SELECT count(*) AS n FROM v_performance_summary").get(0))
                .containsEntry("n", 0L);
        new PerformanceSummary(writer).refresh();
        List<Map<String, Object>> summary = query("SELECT node_name, metric_category, metric_name, avg_value, "
                + "min_value, max_value, metric_unit, sample_count FROM v_performance_summary");
        assertThat(summary).hasSize(1);
        assertThat(summary.get(0))
                .containsEntry("node_name", Fleet.PRIMARY)
                .containsEntry("avg_value", 16.0)
                .containsEntry("min_value", 5.0)
                .containsEntry("max_value", 40.0)
                .containsEntry("metric_unit", "percent")
                .containsEntry("sample_count", 10L);
        List<String> planLines = reader.withHandle(h -> h.createQuery("EXPLAIN SELECT * FROM v_performance_summary")
                .mapTo(String.class)
                .list());
        String plan = String.join("\n", planLines);
        assertThat(plan)
                .contains("performance_summary_7d")
                .doesNotContain("rollups_hourly")
                .doesNotContain("metric_samples");
    }

    @Test
    void shouldMarkADisappearedServiceStoppedAndKeepTheRow() {
        Instant t1 = T0.plusSeconds(60);
        NodeInventory withoutExporter = Fleet.inventory(
                        Fleet.PRIMARY_KEY,
                        Fleet.PRIMARY,
                        "primary",
                        "10.0.0.1",
                        t1,
                        List.of(Fleet.service("postgresql", "database", 5432, "running")))
                .build();
        ApplyResult result = writer.inTransaction(h -> inventories.apply(h, withoutExporter));
        assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.APPLIED);
        assertThat(result.deactivated()).isEqualTo(1);
        Map<String, Object> row = query("SELECT s.status, s.process_id, s.updated_at > s.created_at AS touched "
                        + "FROM services s JOIN system_nodes n ON n.id = s.node_id "
                        + "WHERE n.node_name = 'pg-primary' AND s.service_name = 'node_exporter'")
                .get(0);
        assertThat(row).containsEntry("status", "stopped").containsEntry("touched", true);
        assertThat(row.get("process_id")).isNull();
        assertThat(scalar("SELECT running_services FROM v_system_overview WHERE node_name = 'pg-primary'"))
                .isEqualTo(1L);
        assertThat(scalar("SELECT count(*) FROM services")).isEqualTo(4L);
    }

    @Test
    void shouldKeepOneActiveVersionPerSoftwareAndTheOldOneAsHistory() {
        NodeInventory upgraded = Fleet.inventory(
                        Fleet.PRIMARY_KEY,
                        Fleet.PRIMARY,
                        "primary",
                        "10.0.0.1",
                        T0.plusSeconds(60),
                        List.of(Fleet.service("postgresql", "database", 5432, "running")))
                .setSoftware(List.of(Fleet.software("postgresql", "18.2")))
                .build();
        writer.useTransaction(h -> inventories.apply(h, upgraded));
        List<Map<String, Object>> rows = query("SELECT software_name, software_version, is_active FROM "
                + "software_versions sw JOIN system_nodes n ON n.id = sw.node_id WHERE n.node_name = 'pg-primary' "
                + "ORDER BY software_name, software_version");
        assertThat(rows)
                .extracting(r -> r.get("software_name") + " " + r.get("software_version") + " " + r.get("is_active"))
                .containsExactly("openjdk 17.0.14 false", "postgresql 18.1 false", "postgresql 18.2 true");
    }

    @Test
    void shouldKeepTheOldValueOfAChangedSettingAsInactiveHistory() {
        writer.useTransaction(h -> states.apply(
                h,
                Fleet.primaryState(T0.plusSeconds(60))
                        .setSettings(List.of(
                                Fleet.setting("max_connections", "200", null, "postmaster", false, null),
                                Fleet.setting("work_mem", "4096", "kB", "user", false, null)))
                        .setReplicationLinks(List.of())
                        .build()));
        assertThat(query("SELECT setting_name || '=' || setting_value || ':' || is_active AS s FROM "
                        + "postgresql_configuration c JOIN system_nodes n ON n.id = c.node_id "
                        + "WHERE n.node_name = 'pg-primary' ORDER BY setting_name, c.id"))
                .extracting(r -> r.get("s"))
                .containsExactly(
                        "max_connections=100:false",
                        "max_connections=200:true",
                        "shared_buffers=16384:false",
                        "work_mem=4096:true");
        // The link is gone from the primary's state: inactive, so not in the health view, but kept.
        assertThat(scalar("SELECT count(*) FROM v_replication_health")).isEqualTo(0L);
        assertThat(scalar("SELECT count(*) FROM replication_status WHERE NOT is_active"))
                .isEqualTo(1L);
    }

    @Test
    void shouldSkipAStaleInventoryAndRecogniseAnUnchangedOne() {
        writer.useTransaction(h -> {
            assertThat(inventories.apply(h, Fleet.primary(T0.minusSeconds(60))).outcome())
                    .isEqualTo(ApplyResult.Outcome.STALE);
            NodeInventory same = Fleet.primary(T0);
            same.setCollectedAt(T0.plusSeconds(30));
            assertThat(inventories.apply(h, same).outcome()).isEqualTo(ApplyResult.Outcome.UNCHANGED);
        });
        assertThat(((java.sql.Timestamp)
                                scalar("SELECT last_verified FROM system_nodes WHERE node_name = 'pg-primary'"))
                        .toInstant())
                .isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void shouldMarkADisappearedInterfaceInactiveAndANewFileHashAsANewLatestRow() {
        NodeInventory inventory = Fleet.primary(T0.plusSeconds(60));
        inventory.setContentHash("changed");
        inventory.setInterfaces(List.of(inventory.getInterfaces().get(0)));
        inventory.getDocumentationFiles().get(0).setFileHash(Fleet.HASH_B.toUpperCase());
        writer.useTransaction(h -> inventories.apply(h, inventory));
        assertThat(query("SELECT interface_name || ':' || is_active AS s FROM network_interfaces i "
                        + "JOIN system_nodes n ON n.id = i.node_id WHERE n.node_name = 'pg-primary' "
                        + "ORDER BY interface_name"))
                .extracting(r -> r.get("s"))
                .containsExactly("eth0:true", "lo:false");
        assertThat(query("SELECT file_hash || ':' || is_latest AS s FROM documentation_files f "
                        + "JOIN system_nodes n ON n.id = f.node_id WHERE n.node_name = 'pg-primary' ORDER BY f.id"))
                .extracting(r -> r.get("s"))
                .containsExactly(Fleet.HASH_A + ":false", Fleet.HASH_B + ":true");
    }

    @Test
    void shouldStoreAwkwardStringsVerbatimThroughBoundParameters() {
        String awkward = "it's \"quoted\" \\ back\tslash\nnew line; DROP TABLE system_nodes; --";
        NodeInventory inventory = Fleet.primary(T0.plusSeconds(60));
        inventory.setContentHash("awkward");
        inventory.getNode().setOsBuild(awkward);
        inventory.getNode().setMetadata(Map.of(awkward, awkward));
        inventory.setServices(List.of(Fleet.service(awkward, "agent", null, "running")));
        writer.useTransaction(h -> inventories.apply(h, inventory));
        assertThat(scalar("SELECT os_build FROM system_nodes WHERE node_name = 'pg-primary'"))
                .isEqualTo(awkward);
        String key = reader.withHandle(h -> h.createQuery(
                        "SELECT metadata ->> CAST(:k AS text) FROM system_nodes WHERE node_name = 'pg-primary'")
                .bind("k", awkward)
                .mapTo(String.class)
                .one());
        assertThat(key).isEqualTo(awkward);
        long services = reader.withHandle(h -> h.createQuery("SELECT count(*) FROM services WHERE service_name = :n")
                .bind("n", awkward)
                .mapTo(Long.class)
                .one());
        assertThat(services).isEqualTo(1L);
    }

    @Test
    void shouldStoreOddProbeValuesAsNullInsteadOfFailing() {
        NodeInventory inventory = Fleet.primary(T0.plusSeconds(60));
        inventory.setContentHash("odd");
        inventory.getNode().setStatus("on fire");
        inventory.getNode().setCpuCoresTotal(-1);
        inventory.getInterfaces().get(0).setIpv4Address("not-an-ip");
        inventory.getInterfaces().get(0).setMacAddress("zz");
        NodeService weird = Fleet.service("postgresql", "database", 70_000, "zombie");
        inventory.setServices(List.of(weird));
        writer.useTransaction(h -> inventories.apply(h, inventory));
        Map<String, Object> node = query("SELECT status, cpu_cores_total, metadata->>'reported_status' AS reported "
                        + "FROM system_nodes WHERE node_name = 'pg-primary'")
                .get(0);
        assertThat(node).containsEntry("status", "active").containsEntry("reported", "on fire");
        assertThat(node.get("cpu_cores_total")).isNull();
        assertThat(scalar("SELECT count(*) FROM network_interfaces WHERE interface_name = 'eth0' "
                        + "AND ipv4_address IS NULL AND mac_address IS NULL"))
                .isEqualTo(1L);
        assertThat(query("SELECT s.status, s.port FROM services s JOIN system_nodes n ON n.id = s.node_id "
                                + "WHERE n.node_name = 'pg-primary' AND service_name = 'postgresql'")
                        .get(0))
                .containsEntry("status", "failed")
                .containsEntry("port", null);
    }

    @Test
    void shouldAppendAChangeOnceAndKeepNonJsonValuesVerbatim() {
        writer.useTransaction(h -> {
            assertThat(changes.append(h, Fleet.change("ev-1", Fleet.PRIMARY_KEY).build()))
                    .isTrue();
            assertThat(changes.append(h, Fleet.change("ev-1", Fleet.PRIMARY_KEY).build()))
                    .isFalse();
            assertThat(changes.append(
                            h,
                            Fleet.change("ev-2", "node-nobody-knows")
                                    .setOldValue("not json {")
                                    .build()))
                    .isTrue();
        });
        List<Map<String, Object>> rows = query("SELECT event_id, node_id IS NOT NULL AS resolved, node_key, "
                + "change_type, old_value->>'status' AS old_status, old_value #>> '{}' AS old_text, new_value, "
                + "change_description FROM change_log ORDER BY event_id");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0))
                .containsEntry("resolved", true)
                .containsEntry("change_type", "service")
                .containsEntry("old_status", "running")
                .containsEntry("new_value", null);
        assertThat(rows.get(1))
                .containsEntry("resolved", false)
                .containsEntry("node_key", "node-nobody-knows")
                .containsEntry("old_text", "not json {");
    }

    @Test
    void shouldRegisterTheNodeOfAStateThatArrivesBeforeItsInventory() {
        ApplyResult result = writer.inTransaction(h -> states.apply(
                h, Fleet.primaryState(T0).setNodeId("node-state-first").build()));

        long registered = writer.withHandle(h -> h.createQuery(
                        "SELECT id FROM system_nodes WHERE node_key = 'node-state-first' AND node_name = 'node-state-first'")
                .mapTo(Long.class)
                .one());
        long settings = writer.withHandle(
                h -> h.createQuery("SELECT count(*) FROM postgresql_configuration WHERE node_id = :node AND is_active")
                        .bind("node", registered)
                        .mapTo(Long.class)
                        .one());
        assertThat(result.nodeId()).isEqualTo(registered);
        assertThat(settings).isPositive();
    }

    @Test
    void shouldRegisterANodeOnceAndHandOverANameToTheNodeThatReportsIt() {
        writer.useTransaction(h -> {
            long first = Nodes.ensure(h, "node-new", "new-node");
            assertThat(Nodes.ensure(h, "node-new", "ignored")).isEqualTo(first);
            // A different node now reports the name pg-replica: the old holder is renamed, nothing fails.
            Nodes.ensure(h, "node-usurper", Fleet.REPLICA);
        });
        assertThat(query("SELECT node_key, node_name FROM system_nodes ORDER BY node_key"))
                .extracting(r -> r.get("node_key") + "=" + r.get("node_name"))
                .contains(
                        "node-new=new-node",
                        "node-usurper=pg-replica",
                        Fleet.REPLICA_KEY + "=pg-replica [" + Fleet.REPLICA_KEY + "]");
    }

    private List<Map<String, Object>> query(String sql) {
        return reader.withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    private Object scalar(String sql) {
        return reader.withHandle((Handle h) ->
                h.createQuery(sql).mapToMap().one().values().iterator().next());
    }
}
