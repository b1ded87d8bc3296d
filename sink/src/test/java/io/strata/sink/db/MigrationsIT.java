package io.strata.sink.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithEmbeddedPostgres
class MigrationsIT {
    private static DataSource dataSource;
    private static Jdbi jdbi;

    @BeforeAll
    static void migrate(EmbeddedPostgres postgres) {
        postgres.createDatabase("it_migrations");
        dataSource = postgres.dataSource("it_migrations");
        assertThat(Migrations.migrate(dataSource)).isEqualTo(7);
        jdbi = Jdbis.create(dataSource);
    }

    @Test
    void shouldDoNothingWhenMigratedAgain() {
        assertThat(Migrations.migrate(dataSource)).isZero();
        assertThat(Migrations.flyway(dataSource).info().pending()).isEmpty();
    }

    @Test
    void shouldMigrateAFreshDatabaseWhenTheRolesAlreadyExist(EmbeddedPostgres postgres) {
        // Roles are cluster-wide: the first database created them, this one finds them.
        postgres.createDatabase("it_migrations_second");
        DataSource second = postgres.dataSource("it_migrations_second");
        assertThat(Migrations.migrate(second)).isEqualTo(7);
        assertThat(Migrations.migrate(second)).isZero();
    }

    @Test
    void shouldHaveEveryTableAndColumnOfTheDataModel() {
        assertColumns(DataModel.tables(), "BASE TABLE");
    }

    @Test
    void shouldHaveEveryViewAndColumnOfTheDataModel() {
        assertColumns(DataModel.views(), "VIEW");
    }

    @Test
    void shouldUseTimestampWithTimeZoneEverywhere() {
        List<String> naive = jdbi.withHandle(
                h -> h.createQuery("SELECT table_name || '.' || column_name FROM information_schema.columns "
                                + "WHERE table_schema = 'public' AND data_type = 'timestamp without time zone' "
                                + "AND table_name <> 'flyway_schema_history'")
                        .mapTo(String.class)
                        .list());
        assertThat(naive).isEmpty();
    }

    @Test
    void shouldDeclareTheMetricTablesAsPartitioned() {
        Map<String, String> strategy = jdbi.withHandle(
                h -> h.createQuery("SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
                                + "JOIN pg_class c ON c.oid = p.partrelid")
                        .setMapKeyColumn("relname")
                        .setMapValueColumn("pg_get_partkeydef")
                        .collectInto(new org.jdbi.v3.core.generic.GenericType<Map<String, String>>() {}));
        assertThat(strategy)
                .containsEntry("metric_samples", "RANGE (measured_at)")
                .containsEntry("rollups_hourly", "RANGE (bucket_start)")
                .containsEntry("rollups_daily", "RANGE (bucket_start)");
    }

    @Test
    void shouldRejectAValueOutsideAnEnumeratedColumn() {
        assertThatThrownBy(
                        () -> jdbi.useHandle(
                                h -> h.execute(
                                        "INSERT INTO system_nodes (node_key, node_name, status) VALUES ('k-enum', 'n-enum', 'exploded')")))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("system_nodes_status_check");
    }

    @Test
    void shouldNotLetTheReaderInsert() {
        assertThatThrownBy(() ->
                        asRole("strata_reader", "INSERT INTO system_nodes (node_key, node_name) VALUES ('r', 'r')"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void shouldLetTheReaderQueryTheViewsButNotTheOffsets() {
        asRole("strata_reader", "SELECT count(*) FROM v_system_overview");
        asRole("strata_reader", "SELECT count(*) FROM performance_metrics");
        assertThatThrownBy(() -> asRole("strata_reader", "SELECT count(*) FROM sink_offsets"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> asRole("strata_reader", "SELECT count(*) FROM sink_node_sequences"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> asRole("strata_reader", "SELECT strata_ensure_partition('metric_samples', now())"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void shouldNotLetTheWriterDropOrAlterTables() {
        assertThatThrownBy(() -> asRole("strata_writer", "DROP TABLE system_nodes"))
                .hasMessageContaining("must be owner");
        assertThatThrownBy(() -> asRole("strata_writer", "TRUNCATE metric_samples"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> asRole("strata_writer", "DELETE FROM system_nodes"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void shouldLetTheWriterWriteAndCreatePartitions() {
        asRole(
                "strata_writer",
                "INSERT INTO system_nodes (node_key, node_name) VALUES ('w-1', 'writer-node-1')",
                "INSERT INTO metric_series (node_id, metric_category, metric_name, kind) "
                        + "SELECT id, 'cpu', 'usage', 'gauge' FROM system_nodes WHERE node_key = 'w-1'",
                "SELECT strata_ensure_partitions('metric_samples', now() - interval '1 day', now())",
                "INSERT INTO metric_samples SELECT id, now(), 1.5 FROM metric_series",
                "INSERT INTO sink_offsets (consumer_group, topic, kafka_partition, next_offset) VALUES ('g', 't', 0, 1)",
                "UPDATE sink_offsets SET next_offset = 2",
                "INSERT INTO sink_node_sequences (consumer_group, node_key, last_sequence) VALUES ('g', 'w-1', 1)",
                "UPDATE sink_node_sequences SET last_sequence = 2");
    }

    /** Runs statements as the role (SET ROLE drops the superuser's rights), then rolls back. */
    private static void asRole(String role, String... statements) {
        jdbi.useTransaction(h -> {
            h.execute("SET LOCAL ROLE " + role);
            try {
                for (String statement : statements) {
                    h.execute(statement);
                }
            } finally {
                h.rollback();
            }
        });
    }

    private static void assertColumns(Map<String, List<String>> expected, String tableType) {
        jdbi.useHandle(h -> {
            for (Map.Entry<String, List<String>> e : expected.entrySet()) {
                String type = h.createQuery("SELECT table_type FROM information_schema.tables "
                                + "WHERE table_schema = 'public' AND table_name = :t")
                        .bind("t", e.getKey())
                        .mapTo(String.class)
                        .findOne()
                        .orElse("missing");
                assertThat(type).as("%s", e.getKey()).isEqualTo(tableType);
                Set<String> actual = new HashSet<>(h.createQuery("SELECT column_name FROM information_schema.columns "
                                + "WHERE table_schema = 'public' AND table_name = :t")
                        .bind("t", e.getKey())
                        .mapTo(String.class)
                        .list());
                assertThat(actual).as("columns of %s", e.getKey()).containsAll(e.getValue());
            }
        });
    }
}
