package io.strata.sink.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.sink.db.Jdbis;
import io.strata.sink.db.Migrations;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithEmbeddedPostgres
class StateSnapshotsIT {

    private static Jdbi jdbi;

    @BeforeAll
    static void migrate(EmbeddedPostgres postgres) {
        postgres.createDatabase("it_snapshots");
        DataSource dataSource = postgres.dataSource("it_snapshots");
        Migrations.migrate(dataSource);
        jdbi = Jdbis.create(dataSource);
    }

    @BeforeEach
    void fixtureFleet() {
        jdbi.useTransaction(handle -> {
            handle.execute("TRUNCATE system_state_snapshots, system_nodes CASCADE");
            for (String node : List.of("db-replica", "db-primary")) {
                handle.createUpdate(
                                "INSERT INTO system_nodes (node_key, node_name, node_role, cpu_cores_total, ram_gb, status)"
                                        + " VALUES (:key, :name, :role, 8, 32.5, 'active')")
                        .bind("key", node + "-id")
                        .bind("name", node)
                        .bind("role", node.endsWith("primary") ? "primary" : "replica")
                        .execute();
                handle.createUpdate(
                                "INSERT INTO services (node_id, service_name, port, status, process_id, uptime_seconds)"
                                        + " SELECT id, 'postgres', 5432, 'running', 100, 10 FROM system_nodes"
                                        + " WHERE node_name = :name")
                        .bind("name", node)
                        .execute();
            }
        });
    }

    @Test
    void shouldWriteTheWholeStateWithAHashThatVerifies() {
        Snapshot snapshot = StateSnapshots.take(jdbi, "before-upgrade", SnapshotType.VERIFIED, "baseline", "ops");

        assertThat(snapshot.nodes()).isEqualTo(2);
        assertThat(snapshot.stateHash()).matches("[0-9a-f]{64}");
        jdbi.useHandle(handle -> {
            String json = StateSnapshots.currentStateJson(handle);
            assertThat(json).startsWith("{\"nodes\":[{").contains("\"node_name\":\"db-primary\"");
            assertThat(json.indexOf("db-primary")).isLessThan(json.indexOf("db-replica"));
            assertThat(json).doesNotContain("uptime_seconds", "\"id\"", "created_at");
            assertThat(StateSnapshots.sha256(json)).isEqualTo(snapshot.stateHash());
            assertThat(StateSnapshots.verify(handle, "before-upgrade")).contains(true);
            assertThat(handle.createQuery("SELECT snapshot_type || ' ' || created_by FROM system_state_snapshots"
                                    + " WHERE snapshot_name = 'before-upgrade'")
                            .mapTo(String.class)
                            .one())
                    .isEqualTo("verified ops");
        });
    }

    @Test
    void shouldGiveTheSameHashForAnUnchangedFleetAndAnotherOnceItChanges() {
        Snapshot first = StateSnapshots.take(jdbi, "one", SnapshotType.BASELINE, null, "test");
        jdbi.useHandle(handle -> handle.execute("UPDATE services SET uptime_seconds = 99999, updated_at = now()"));
        Snapshot second = StateSnapshots.take(jdbi, "two", SnapshotType.BASELINE, null, "test");
        jdbi.useHandle(handle -> handle.execute("UPDATE services SET status = 'stopped' WHERE node_id ="
                + " (SELECT id FROM system_nodes WHERE node_name = 'db-replica')"));
        Snapshot third = StateSnapshots.take(jdbi, "three", SnapshotType.BASELINE, null, "test");

        assertThat(second.stateHash()).isEqualTo(first.stateHash());
        assertThat(third.stateHash()).isNotEqualTo(first.stateHash());
    }

    @Test
    void shouldDetectATamperedSnapshot() {
        StateSnapshots.take(jdbi, "tampered", SnapshotType.PRODUCTION, null, "test");
        jdbi.useHandle(handle -> {
            handle.execute("UPDATE system_state_snapshots SET state_json = jsonb_set(state_json,"
                    + " '{nodes,0,ram_gb}', '64') WHERE snapshot_name = 'tampered'");
            assertThat(StateSnapshots.verify(handle, "tampered")).contains(false);
            assertThat(StateSnapshots.verify(handle, "missing")).isEmpty();
        });
    }

    @Test
    void shouldPruneOnlyAutomatedSnapshotsBeyondTheNewest() {
        StateSnapshots.take(jdbi, "kept-forever", SnapshotType.VERIFIED, null, "test");
        for (int i = 1; i <= 5; i++) {
            StateSnapshots.take(jdbi, "automated-" + i, SnapshotType.AUTOMATED, null, "strata-sink");
        }

        int pruned = jdbi.inTransaction(handle -> StateSnapshots.pruneAutomated(handle, 3));

        assertThat(pruned).isEqualTo(2);
        List<String> left = jdbi.withHandle(
                handle -> handle.createQuery("SELECT snapshot_name FROM system_state_snapshots ORDER BY snapshot_name")
                        .mapTo(String.class)
                        .list());
        assertThat(left).containsExactly("automated-3", "automated-4", "automated-5", "kept-forever");
    }

    @Test
    void shouldRefuseADuplicateName() {
        StateSnapshots.take(jdbi, "once", SnapshotType.BASELINE, null, "test");

        assertThatThrownBy(() -> StateSnapshots.take(jdbi, "once", SnapshotType.BASELINE, null, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a snapshot named 'once' already exists");
    }

    @Test
    void shouldParseSnapshotTypesWithAClearError() {
        assertThat(SnapshotType.parse("Verified")).isEqualTo(SnapshotType.VERIFIED);
        assertThatThrownBy(() -> SnapshotType.parse("weekly"))
                .hasMessage(
                        "invalid snapshot type 'weekly' (expected one of production, verified, baseline, automated)");
    }
}
