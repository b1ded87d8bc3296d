package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bad-input corpus once stalled the sink: a poll that PostgreSQL rejected a record of was written record by
 * record, a rollup went before the raw batch that registers its node, failed for want of the node, and that was
 * retried as a database outage, without end. State records with U+0000 are dead-lettered before any database work.
 */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class StallFreeIsolationIT {

    private static final int NODES = 4;

    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        postgres.createDatabase("it_stall_free");
        fixture = new IngestFixture(kafka, postgres.dataSource("it_stall_free"), "it-stall-free", 2);
        fixture.writeAs(postgres, "it_stall_free", "it_stall_free_writer");
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldDeadLetterRejectedAndNulRecordsOnceAndWriteTheRestOfAPollWhoseRollupsNodesComeLater() {
        Instant bucket = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofMinutes(1));
        // Everything is on the topics before the sink starts, so that it arrives in one poll: the rollups' nodes
        // are registered by raw batches of the same poll, on other partitions.
        for (int n = 0; n < NODES; n++) {
            String node = "stall-node-" + n;
            fixture.send(fixture.hourly, n % 2, node, TestRecords.rollup(node, bucket, 1, n));
        }
        // revision >= 0 is a CHECK constraint of rollups_hourly: PostgreSQL rejects it inside the transaction.
        MetricRollup negative = TestRecords.rollup("stall-node-0", bucket.plus(Duration.ofHours(1)), 1, 9.0);
        negative.setRevision(-1);
        fixture.send(fixture.hourly, 0, "stall-node-0", negative);
        for (int n = 0; n < NODES; n++) {
            String node = "stall-node-" + n;
            fixture.send(fixture.raw, n % 2, node, TestRecords.batch(node, 1, Instant.now(), 3));
        }
        fixture.send(fixture.inventory, 0, "nul-node", TestRecords.inventory("nul-node", "db\u0000-1", at));
        fixture.send(fixture.inventory, 1, "stall-node-1", TestRecords.inventory("stall-node-1", "db-1", at));
        fixture.send(fixture.pgstate, 1, "stall-node-1", TestRecords.postgresState("stall-node-1", at, "16\u0000384"));
        fixture.send(fixture.changes, 0, "stall-node-1", TestRecords.change("e-nul", "stall-node-1", "a\u0000b"));
        fixture.send(fixture.changes, 1, "stall-node-1", TestRecords.change("e-ok", "stall-node-1", "fine"));

        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            // The hang guard of awaitCaughtUp is the only time limit: the sink must get past every bad record.
            fixture.awaitCaughtUp(fixture.raw, fixture.hourly, fixture.inventory, fixture.pgstate, fixture.changes);
            assertThat(sink.stats().deadLetters())
                    .containsEntry(Rejection.DATABASE_REJECTED, 1L)
                    .containsEntry(Rejection.NUL_CHARACTER, 3L);
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(3L * NODES);
        assertThat(fixture.count("SELECT count(*) FROM rollups_hourly")).isEqualTo(NODES);
        assertThat(fixture.count("SELECT count(*) FROM system_nodes WHERE node_key = 'nul-node'"))
                .isZero();
        assertThat(fixture.count("SELECT count(*) FROM change_log WHERE change_description = 'fine'"))
                .isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = fixture.deadLetters(4);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
            String source = header(record, DeadLetterHeaders.TOPIC) + "-" + header(record, DeadLetterHeaders.PARTITION)
                    + "@" + header(record, DeadLetterHeaders.OFFSET);
            assertThat(reasons.put(source, header(record, DeadLetterHeaders.REASON)))
                    .as("dead letters of %s", source)
                    .isNull();
        }
        assertThat(reasons)
                .containsOnly(
                        Map.entry(fixture.hourly + "-0@2", Rejection.DATABASE_REJECTED),
                        Map.entry(fixture.inventory + "-0@0", Rejection.NUL_CHARACTER),
                        Map.entry(fixture.pgstate + "-1@0", Rejection.NUL_CHARACTER),
                        Map.entry(fixture.changes + "-0@0", Rejection.NUL_CHARACTER));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
