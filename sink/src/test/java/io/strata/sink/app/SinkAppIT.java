package io.strata.sink.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.sink.cli.SinkCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** The sink as its command line and its main wire it: migrations, maintenance, ingestion, snapshots, metrics. */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class SinkAppIT {

    private static final SimulatedFleet FLEET = SimulatedFleet.of(11, 2, 5, Duration.ofSeconds(10));

    @Test
    void shouldRunMigrateSnapshotAndVerifyFromTheCommandLine(EmbeddedPostgres postgres) {
        String url = postgres.createDatabase("it_sink_cli");

        Result migrate = cli("migrate", "--db-url", url, "-D", "db.user=postgres");
        Result again = cli("migrate", "--db-url", url, "-D", "db.user=postgres");
        Result snapshot = cli(
                "snapshot",
                "--db-url",
                url,
                "-D",
                "db.user=postgres",
                "--name",
                "first",
                "--type",
                "verified",
                "--description",
                "empty fleet");
        Result verify = cli("verify", "--db-url", url, "-D", "db.user=postgres", "--name", "first");
        Result maintain = cli("maintain", "--db-url", url, "-D", "db.user=postgres", "-D", "retention.raw=3d");

        assertThat(migrate.code()).as(migrate.err()).isZero();
        assertThat(migrate.out()).contains("migration(s) applied").doesNotContain(" 0 migration");
        assertThat(again.out()).contains(" 0 migration(s) applied");
        assertThat(snapshot.code()).as(snapshot.err()).isZero();
        assertThat(snapshot.out()).containsPattern("snapshot 'first' \\(verified\\) of 0 nodes, SHA-256 [0-9a-f]{64}");
        assertThat(verify.out()).contains("snapshot 'first' verified");
        assertThat(maintain.code()).as(maintain.err()).isZero();
        assertThat(maintain.out()).contains("Report").contains("v_performance_summary refreshed as of");
    }

    @Test
    void shouldRefuseABadValueNamingTheKey(EmbeddedPostgres postgres) {
        Result bad = cli("migrate", "--db-url", postgres.jdbcUrl(), "-D", "db.pool-size=zero");
        Result badUrl = cli("migrate", "--db-url", "mysql://nope");
        Result badType = cli("snapshot", "--db-url", postgres.jdbcUrl(), "--name", "x", "--type", "weekly");

        assertThat(bad.code()).isEqualTo(SinkCli.EXIT_USAGE);
        assertThat(bad.err()).contains("db.pool-size", "zero");
        assertThat(badUrl.code()).isEqualTo(SinkCli.EXIT_USAGE);
        assertThat(badUrl.err()).contains("db.url", "mysql://nope");
        assertThat(badType.code()).isEqualTo(SinkCli.EXIT_USAGE);
        assertThat(badType.err()).contains("invalid snapshot type 'weekly'");
    }

    @Test
    void shouldIngestAndServeMetrics(EmbeddedKafka kafka, EmbeddedPostgres postgres) throws Exception {
        String url = postgres.createDatabase("it_sink_app");
        StrataConfig config = StrataConfig.builder()
                .defaults(SinkSettings.DEFAULTS_RESOURCE)
                .defaults(io.strata.sink.ingest.IngestSettings.DEFAULTS_RESOURCE)
                .environment(Map.of())
                .overrides(Map.of(
                        "kafka.bootstrap.servers",
                        kafka.bootstrapServers(),
                        "db.url",
                        url,
                        "db.user",
                        "postgres",
                        "sink.group-id",
                        "it-sink-app",
                        "sink.http.host",
                        "127.0.0.1",
                        "sink.http.port",
                        "0",
                        SinkSettings.SUMMARY_REFRESH_INTERVAL_KEY,
                        "1s",
                        "topics.partitions",
                        "2"))
                .build();
        try (Admin admin = kafka.adminClient()) {
            TopicCatalog.from(config).reconcile(admin);
        }
        Instant tick = FLEET.alignedTick(Instant.now().minusSeconds(60));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (int node = 0; node < 2; node++) {
                MetricBatch batch = FLEET.batch(node, tick, 1);
                producer.send(new ProducerRecord<>(
                        TopicCatalog.METRICS_RAW,
                        batch.getNodeId(),
                        AvroSerdes.metricBatch().serialize(batch)));
            }
        }

        try (SinkApp app = SinkApp.start(config)) {
            Jdbi jdbi = Jdbi.create(app.dataSource());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long rows = 0;
            while (rows < 10 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM metric_samples")
                        .mapTo(Long.class)
                        .one());
            }
            assertThat(rows).isEqualTo(10);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("strata_sink_samples_total 10.0", "kafka_consumer");
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            long partitions = jdbi.withHandle(
                    h -> h.createQuery("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent"
                                    + " WHERE c.relname = 'metric_samples'")
                            .mapTo(Long.class)
                            .one());
            assertThat(partitions).as("partitions created ahead at start").isGreaterThanOrEqualTo(8);

            // An hourly rollup written now shows in the summary view after the next scheduled refresh.
            long series = jdbi.withHandle(h -> h.createQuery("SELECT min(id) FROM metric_series")
                    .mapTo(Long.class)
                    .one());
            Instant hour = tick.truncatedTo(java.time.temporal.ChronoUnit.HOURS).minus(Duration.ofHours(1));
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO rollups_hourly (series_id, bucket_start, bucket_end, "
                            + "sample_count, sum, min, max) VALUES (:s, :b, :e, 3, 6, 1, 3)")
                    .bind("s", series)
                    .bind("b", hour)
                    .bind("e", hour.plus(Duration.ofHours(1)))
                    .execute());
            long summarized = 0;
            while (summarized < 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                summarized = jdbi.withHandle(
                        h -> h.createQuery("SELECT coalesce(sum(sample_count), 0) FROM v_performance_summary")
                                .mapTo(Long.class)
                                .one());
            }
            assertThat(summarized)
                    .as("rollup samples in the summary after a scheduled refresh")
                    .isEqualTo(3);
        }
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SinkCli.execute(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Result(code, out.toString(), err.toString());
    }

    private record Result(int code, String out, String err) {}
}
