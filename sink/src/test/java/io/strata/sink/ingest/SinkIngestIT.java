package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithEmbeddedKafka
@WithEmbeddedPostgres
class SinkIngestIT {

    private static final int PARTITIONS = 3;
    private static final int SAMPLES_PER_BATCH = 20;
    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        postgres.createDatabase("it_sink_ingest");
        fixture = new IngestFixture(kafka, postgres.dataSource("it_sink_ingest"), "it-sink-ingest", PARTITIONS);
        fixture.writeAs(postgres, "it_sink_ingest", "it_sink_ingest_writer");
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldWriteEverySampleOnceStoreTheConsumedPositionsAndResumeFromThemNotFromKafka() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));
        double expectedSum = produce(start, 0, 30);

        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            fixture.awaitCaughtUp(fixture.raw);
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(30L * SAMPLES_PER_BATCH);
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(expectedSum);
        assertThat(fixture.storedOffsets(fixture.raw)).isEqualTo(fixture.endOffsets(fixture.raw));
        assertThat(fixture.count("SELECT count(*) FROM system_nodes")).isEqualTo(PARTITIONS);
        assertThat(fixture.count("SELECT count(*) FROM metric_series"))
                .isEqualTo((long) PARTITIONS * SAMPLES_PER_BATCH);
        assertThat(fixture.count("SELECT count(*) FROM metric_samples_default"))
                .as("partitions were made for the samples' days")
                .isZero();

        // Kafka's committed offsets are rewound to 0: a sink that trusted them would write everything again.
        try (Admin admin = fixture.kafka.adminClient()) {
            Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                rewound.put(new TopicPartition(fixture.raw, partition), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(fixture.group, rewound).all().get();
        }
        expectedSum += produce(start.plus(Duration.ofMinutes(10)), 30, 15);

        try (SinkIngest sink = fixture.sink(2)) { // two consumer threads share the partitions this time
            sink.start();
            fixture.awaitCaughtUp(fixture.raw);
            assertThat(sink.stats().samples()).isEqualTo(15L * SAMPLES_PER_BATCH);
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(45L * SAMPLES_PER_BATCH);
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(expectedSum);
        assertThat(fixture.storedOffsets(fixture.raw)).isEqualTo(fixture.endOffsets(fixture.raw));
        assertThat(fixture.count("SELECT count(*) FROM (SELECT series_id, measured_at FROM metric_samples "
                        + "GROUP BY 1, 2 HAVING count(*) > 1) AS duplicates"))
                .isZero();
    }

    @Test
    void shouldKeepTheHighestRevisionOfARollupWithItsPercentiles() {
        Instant bucket = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
        double[] values = new double[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1;
        }

        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            // The node must be registered (by its raw batch) before its rollups arrive.
            fixture.send(fixture.raw, 0, "rollup-node", TestRecords.batch("rollup-node", 1, Instant.now(), 1));
            fixture.awaitCaughtUp(fixture.raw);
            fixture.send(fixture.hourly, 0, "rollup-node", TestRecords.rollup("rollup-node", bucket, 1, 5, 6));
            fixture.send(fixture.hourly, 0, "rollup-node", TestRecords.rollup("rollup-node", bucket, 3, values));
            fixture.send(fixture.hourly, 0, "rollup-node", TestRecords.rollup("rollup-node", bucket, 2, 7, 8, 9));
            fixture.awaitCaughtUp(fixture.raw, fixture.hourly);
        }

        String row = "FROM rollups_hourly r JOIN metric_series s ON s.id = r.series_id "
                + "JOIN system_nodes n ON n.id = s.node_id WHERE n.node_key = 'rollup-node'";
        assertThat(fixture.count("SELECT count(*) " + row)).isEqualTo(1);
        assertThat(fixture.count("SELECT revision " + row)).isEqualTo(3);
        assertThat(fixture.count("SELECT sample_count " + row)).isEqualTo(100);
        assertThat(fixture.sum("SELECT avg " + row)).isEqualTo(50.5);
        assertThat(fixture.sum("SELECT p50 " + row)).isCloseTo(50, within(1.0));
        assertThat(fixture.sum("SELECT p99 " + row)).isCloseTo(99, within(1.5));
        assertThat(fixture.count("SELECT count(*) FROM rollups_hourly_default")).isZero();
    }

    /** Sends {@code batches} batches round-robin over the partitions (one node per partition); returns their sum. */
    private static double produce(Instant start, int firstSequence, int batches) {
        double sum = 0;
        for (int b = firstSequence; b < firstSequence + batches; b++) {
            int partition = b % PARTITIONS;
            String node = "node-" + partition;
            fixture.send(
                    fixture.raw,
                    partition,
                    node,
                    TestRecords.batch(node, b, start.plus(Duration.ofSeconds(10L * b)), SAMPLES_PER_BATCH));
            for (int i = 0; i < SAMPLES_PER_BATCH; i++) {
                sum += TestRecords.value(b, i);
            }
        }
        return sum;
    }
}
