package io.strata.producer.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.producer.collect.Samples;
import io.strata.producer.config.PostgresTarget;
import io.strata.schemas.avro.DatabaseSchemaEntry;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.PostgresSetting;
import io.strata.schemas.avro.PostgresState;
import io.strata.schemas.hash.ContentHash;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL collector against the shared embedded PostgreSQL, on a database of its own with a known table. */
@WithEmbeddedPostgres
class PostgresCollectorIT {

    private static String database;
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void createKnownTable(EmbeddedPostgres server) throws Exception {
        postgres = server;
        database = "probe_it_" + UUID.randomUUID().toString().substring(0, 8);
        server.createDatabase(database);
        try (Connection connection = server.dataSource(database).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create table customer (id bigint primary key, name text not null default 'anonymous',"
                    + " email text)");
            statement.execute("create table orders (order_id bigserial primary key,"
                    + " customer_id bigint not null references customer(id), total numeric(12,2))");
            statement.execute("create index orders_customer_idx on orders (customer_id)");
            statement.execute("insert into customer values (1, 'Ada', 'ada@example.org')");
        }
    }

    private static PostgresCollector collector() {
        return new PostgresCollector(new PostgresTarget(
                "main", postgres.jdbcUrl(database), postgres.user(), postgres.password(), List.of()));
    }

    @Test
    void shouldDescribeSettingsAndTheSchemaOfTheDatabase() {
        try (PostgresCollector collector = collector()) {
            PostgresState state =
                    collector.collectState("node-1", Instant.now()).orElseThrow();

            assertThat(state.getInstance()).isEqualTo("localhost:" + postgres.port());
            assertThat(state.getServerVersion()).startsWith("18");
            assertThat(state.getServerVersionNum()).isGreaterThanOrEqualTo(180000);
            assertThat(state.getInRecovery()).isFalse();
            assertThat(state.getContentHash()).isEqualTo(ContentHash.of(state));
            PostgresSetting sharedBuffers = state.getSettings().stream()
                    .filter(setting -> setting.getSettingName().equals("shared_buffers"))
                    .findFirst()
                    .orElseThrow();
            assertThat(sharedBuffers.getSettingUnit()).isEqualTo("8kB");
            assertThat(sharedBuffers.getContext()).isEqualTo("postmaster");
            assertThat(sharedBuffers.getSettingValue()).isNotBlank();
            assertThat(state.getSettings()).hasSizeGreaterThan(300);

            List<DatabaseSchemaEntry> customer = state.getSchemaObjects().stream()
                    .filter(entry -> entry.getTableName().equals("customer"))
                    .toList();
            assertThat(customer)
                    .filteredOn(entry -> entry.getColumnName() != null)
                    .extracting(
                            DatabaseSchemaEntry::getColumnName,
                            DatabaseSchemaEntry::getDataType,
                            DatabaseSchemaEntry::getIsNullable,
                            DatabaseSchemaEntry::getIsPrimaryKey)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("id", "bigint", false, true),
                            org.assertj.core.groups.Tuple.tuple("name", "text", false, false),
                            org.assertj.core.groups.Tuple.tuple("email", "text", true, false));
            assertThat(customer)
                    .filteredOn(entry -> "name".equals(entry.getColumnName()))
                    .extracting(DatabaseSchemaEntry::getColumnDefault)
                    .containsExactly("'anonymous'::text");
            assertThat(customer)
                    .filteredOn(entry -> entry.getIndexName() != null)
                    .extracting(DatabaseSchemaEntry::getIndexName, DatabaseSchemaEntry::getIndexType)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("customer_pkey", "btree"));
            assertThat(customer)
                    .allSatisfy(entry -> assertThat(entry.getDatabaseName()).isEqualTo(database));

            List<DatabaseSchemaEntry> orders = state.getSchemaObjects().stream()
                    .filter(entry -> entry.getTableName().equals("orders"))
                    .toList();
            assertThat(orders)
                    .filteredOn(entry -> "customer_id".equals(entry.getColumnName()))
                    .extracting(DatabaseSchemaEntry::getForeignKeyTable, DatabaseSchemaEntry::getForeignKeyColumn)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("public.customer", "id"));
            assertThat(orders)
                    .filteredOn(entry -> "orders_customer_idx".equals(entry.getIndexName()))
                    .extracting(DatabaseSchemaEntry::getIndexDefinition)
                    .singleElement()
                    .asString()
                    .contains("USING btree (customer_id)");
            assertThat(collector.software()).hasValueSatisfying(software -> assertThat(software.getSoftwareVersion())
                    .isEqualTo(state.getServerVersion()));
        }
    }

    @Test
    void shouldKeepTheHashWhileNothingChanges() {
        try (PostgresCollector collector = collector()) {
            String first = collector
                    .collectState("node-1", Instant.now())
                    .orElseThrow()
                    .getContentHash();
            String second = collector
                    .collectState("node-1", Instant.now())
                    .orElseThrow()
                    .getContentHash();

            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void shouldReportServerMetricsIncludingTheDatabaseSize() {
        try (PostgresCollector collector = collector()) {
            Samples samples = new Samples(Instant.now());
            collector.collectMetrics(samples);

            Map<String, String> ours = Map.of("instance", collector.instance(), "database", database);
            assertThat(samples.toList())
                    .filteredOn(sample -> sample.getLabels().equals(ours))
                    .extracting(MetricSample::getName)
                    .contains(
                            "database_size_bytes",
                            "xact_commit",
                            "xact_rollback",
                            "blks_hit",
                            "blks_read",
                            "tup_returned",
                            "tup_inserted",
                            "deadlocks");
            assertThat(samples.toList())
                    .filteredOn(sample -> sample.getName().equals("database_size_bytes")
                            && sample.getLabels().equals(ours))
                    .singleElement()
                    .satisfies(sample -> {
                        assertThat(sample.getUnit()).isEqualTo("bytes");
                        assertThat(sample.getValue()).isPositive();
                    });
            assertThat(samples.toList())
                    .extracting(MetricSample::getName)
                    .contains("up", "connections", "wal_bytes", "in_recovery");
            assertThat(samples.toList())
                    .filteredOn(sample -> sample.getName().equals("up"))
                    .extracting(MetricSample::getValue)
                    .containsExactly(1.0);
        }
    }

    @Test
    void shouldReportADatabaseThatIsDownWithoutFailing() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (PostgresCollector collector = new PostgresCollector(new PostgresTarget(
                "gone", "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", "postgres", "secret", List.of()))) {
            Samples samples = new Samples(Instant.now());
            collector.collectMetrics(samples);

            assertThat(samples.toList()).singleElement().satisfies(sample -> {
                assertThat(sample.getName()).isEqualTo("up");
                assertThat(sample.getValue()).isZero();
                assertThat(sample.getLabels()).containsEntry("instance", "127.0.0.1:" + closedPort);
            });
            assertThat(collector.collectState("node-1", Instant.now())).isEmpty();
        }
    }

    @Test
    void shouldPointAUrlAtAnotherDatabase() {
        assertThat(PostgresCollector.withDatabase("jdbc:postgresql://db:5433/postgres?ssl=true", "app"))
                .isEqualTo("jdbc:postgresql://db:5433/app?ssl=true");
        assertThat(PostgresCollector.withDatabase("jdbc:postgresql://db/postgres", "app"))
                .isEqualTo("jdbc:postgresql://db/app");
    }
}
