package io.strata.bench;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.producer.config.ProbeConfig;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.app.SinkSettings;
import io.strata.sink.db.Migrations;
import io.strata.sink.ingest.IngestSettings;
import io.strata.streams.StreamsApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * The benchmark's own embedded broker and PostgreSQL (in a temporary directory, deleted on close), the topics
 * reconciled, the schema migrated, and each app's configuration: its defaults, what the benchmark must set (endpoints,
 * no HTTP, short grace so the last buckets of a backfill close at once), then the user's {@code --set} values.
 */
final class BenchCluster implements AutoCloseable {

    static final String DATABASE = "strata";

    private final Path root;
    private final EmbeddedKafka kafka;
    private final EmbeddedPostgres postgres;
    private final Admin admin;
    private final int partitions;
    private final Map<String, String> overrides;

    private BenchCluster(
            Path root, EmbeddedKafka kafka, EmbeddedPostgres postgres, int partitions, Map<String, String> overrides) {
        this.root = root;
        this.kafka = kafka;
        this.postgres = postgres;
        this.admin = kafka.adminClient();
        this.partitions = partitions;
        this.overrides = Map.copyOf(overrides);
    }

    /** Starts the broker and the database in parallel, reconciles the topics and migrates the database. */
    static BenchCluster start(int partitions, Map<String, String> overrides) {
        Path root;
        try {
            root = Files.createTempDirectory("strata-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<EmbeddedPostgres> pg = CompletableFuture.supplyAsync(() -> EmbeddedPostgres.builder()
                .dataDir(root.resolve("postgres"))
                // Bulk loads (the sink's and the summary data) otherwise checkpoint every few seconds.
                .serverConfig("max_wal_size", "8GB")
                .serverConfig("shared_buffers", "1GB")
                .start());
        EmbeddedKafka kafka =
                EmbeddedKafka.builder().dataDir(root.resolve("kafka")).start();
        EmbeddedPostgres postgres = pg.join();
        BenchCluster cluster = new BenchCluster(root, kafka, postgres, partitions, overrides);
        TopicCatalog.from(cluster.base()).reconcile(cluster.admin);
        // Created now, long before it is used: producing right after a topic's creation can race its leader election.
        kafka.createTopic(Ceilings.PRODUCER_TOPIC, partitions);
        postgres.createDatabase(DATABASE);
        Migrations.migrate(postgres.dataSource(DATABASE));
        return cluster;
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    EmbeddedPostgres postgres() {
        return postgres;
    }

    Admin admin() {
        return admin;
    }

    int partitions() {
        return partitions;
    }

    DataSource database() {
        return postgres.dataSource(DATABASE);
    }

    StrataConfig base() {
        return build(Map.of());
    }

    StrataConfig streams() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.state.dir", root.resolve("streams").toString());
        values.put("kafka.num.standby.replicas", "0");
        values.put(StreamsApp.HTTP_PORT_KEY, "-1");
        return build(values, StreamsApp.DEFAULTS);
    }

    StrataConfig sink() {
        return sink(Map.of());
    }

    /** The sink's configuration with {@code extra} values (before the user's). */
    StrataConfig sink(Map<String, String> extra) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("db.url", postgres.jdbcUrl(DATABASE));
        values.put("db.user", postgres.user());
        values.put("db.migrate-on-start", "false");
        values.put("sink.http.port", "-1");
        values.putAll(extra);
        return build(values, SinkSettings.DEFAULTS_RESOURCE, IngestSettings.DEFAULTS_RESOURCE);
    }

    ProbeConfig probe() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("probe.spool-dir", root.resolve("probe").toString());
        values.put("probe.node-name", "strata-bench");
        values.put("probe.http.port", "-1");
        return ProbeConfig.from(build(values, ProbeConfig.DEFAULTS));
    }

    private StrataConfig build(Map<String, String> own, String... defaults) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(StrataConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(TopicCatalog.PARTITIONS_KEY, Integer.toString(partitions));
        // A backfill ends with a tick past its last hour: with (almost) no grace that tick closes every bucket, so
        // the run does not wait ten minutes (hourly) or two hours (daily) of wall-clock time for the last ones.
        values.put("rollup.hourly.grace", "1s");
        values.put("rollup.daily.grace", "1s");
        values.putAll(own);
        values.putAll(overrides);
        StrataConfig.Builder builder = StrataConfig.builder().environment(Map.of());
        for (String resource : defaults) {
            builder.defaults(resource);
        }
        return builder.overrides(values).build();
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            try {
                kafka.close();
            } finally {
                postgres.close();
                deleteQuietly(root);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing the report for.
        }
    }
}
