package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithEmbeddedKafka
@WithEmbeddedPostgres
class DeadLetterIT {

    private static final String NODE = "dl-node '\"\\";
    private static final Map<String, String> HOSTILE_LABELS = Map.of(
            "quote", "it's \"quoted\"",
            "backslash", "C:\\path\\to\\x \\N \\\\",
            "whitespace", "tab\there\nnewline\r\nend",
            "sql", "'); DROP TABLE metric_samples; -- SELECT * FROM system_nodes;",
            "json-ish", "{\"a\": [1, 2]} \\u0000 literal",
            "k'ey\t\"\\", "unicode ✓ Grüße \u2028 \uD83D\uDE00");
    private static final String HOSTILE_NAME = "load'; DELETE FROM sink_offsets; --\t\"x\"\\";

    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        postgres.createDatabase("it_dead_letters");
        fixture = new IngestFixture(kafka, postgres.dataSource("it_dead_letters"), "it-dead-letters", 1);
        fixture.writeAs(postgres, "it_dead_letters", "it_dead_letters_writer");
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldDeadLetterEachBadRecordWithItsReasonAndWriteEveryGoodOneVerbatim() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<Long, String> expectedReasons = new LinkedHashMap<>();
        long offset = 0;
        int goodSamples = 0;
        double goodSum = 0;

        try (SinkIngest sink = fixture.sink()) {
            sink.start();

            MetricBatch hostile = TestRecords.batch(
                    NODE,
                    1,
                    now,
                    List.of(
                            TestRecords.sample(HOSTILE_NAME, HOSTILE_LABELS, 1.5, now),
                            TestRecords.sample("plain", Map.of(), 2.5, now)));
            fixture.send(fixture.raw, 0, NODE, hostile);
            offset++;
            goodSamples += 2;
            goodSum += 4;

            fixture.sendBytes(fixture.raw, 0, NODE, "not avro at all".getBytes(StandardCharsets.UTF_8));
            expectedReasons.put(offset++, "decode.not-single-object");

            byte[] valid = AvroSerdes.metricBatch().serialize(TestRecords.batch(NODE, 2, now, 3));
            fixture.sendBytes(fixture.raw, 0, NODE, Arrays.copyOf(valid, 14));
            expectedReasons.put(offset++, "decode.truncated");

            fixture.sendBytes(
                    fixture.raw, 0, NODE, AvroSerdes.metricRollup().serialize(TestRecords.rollup(NODE, now, 1, 1.0)));
            expectedReasons.put(offset++, "decode.wrong-record-type");

            fixture.send(fixture.raw, 0, NODE, TestRecords.batch(NODE, 3, now, 4));
            offset++;
            goodSamples += 4;
            goodSum += 3 * 4 + (0 + 1 + 2 + 3) / 4.0;

            bad(now, Map.of(), Double.NaN, now, expectedReasons, offset++, Rejection.NON_FINITE);
            bad(now, Map.of(), Double.POSITIVE_INFINITY, now, expectedReasons, offset++, Rejection.NON_FINITE);
            bad(now, Map.of(), 1, now.minus(Duration.ofDays(31)), expectedReasons, offset++, Rejection.TOO_OLD);
            bad(now, Map.of(), 1, now.plus(Duration.ofHours(2)), expectedReasons, offset++, Rejection.IN_FUTURE);
            Map<String, String> many = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                many.put("k" + i, "v");
            }
            bad(now, many, 1, now, expectedReasons, offset++, Rejection.TOO_MANY_LABELS);
            bad(now, Map.of("k".repeat(200), "v"), 1, now, expectedReasons, offset++, Rejection.LABEL_KEY_TOO_LONG);
            bad(now, Map.of("k", "v".repeat(2000)), 1, now, expectedReasons, offset++, Rejection.LABEL_VALUE_TOO_LONG);
            bad(now, Map.of("k", "nul\0byte"), 1, now, expectedReasons, offset++, Rejection.NUL_CHARACTER);

            fixture.send(fixture.raw, 0, NODE, TestRecords.batch(NODE, 5, now, 1));
            offset++;
            goodSamples += 1;
            goodSum += 5;
            fixture.awaitCaughtUp(fixture.raw);

            // Rollups after the raw batches registered the node: one of an unknown node, one good.
            Instant bucket = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
            fixture.send(fixture.hourly, 0, "ghost", TestRecords.rollup("ghost", bucket, 1, 1.0, 2.0));
            fixture.send(fixture.hourly, 0, NODE, TestRecords.rollup(NODE, bucket, 1, 1.0, 2.0));
            fixture.awaitCaughtUp(fixture.raw, fixture.hourly);
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(goodSamples);
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(goodSum);
        assertThat(fixture.count("SELECT count(*) FROM rollups_hourly")).isEqualTo(1);
        assertThat(fixture.storedOffsets(fixture.raw)).containsEntry(0, offset);
        assertThat(fixture.storedOffsets(fixture.hourly)).containsEntry(0, 2L);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = fixture.deadLetters(expectedReasons.size() + 1);
        Map<Long, String> rawReasons = new LinkedHashMap<>();
        String rollupReason = null;
        for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
            String topic = header(deadLetter, DeadLetterHeaders.TOPIC);
            long sourceOffset = Long.parseLong(header(deadLetter, DeadLetterHeaders.OFFSET));
            if (topic.equals(fixture.raw)) {
                rawReasons.put(sourceOffset, header(deadLetter, DeadLetterHeaders.REASON));
            } else {
                assertThat(topic).isEqualTo(fixture.hourly);
                rollupReason = header(deadLetter, DeadLetterHeaders.REASON);
            }
            assertThat(header(deadLetter, DeadLetterHeaders.ERROR_MESSAGE)).isNotBlank();
            assertThat(header(deadLetter, DeadLetterHeaders.SOURCE)).isEqualTo("strata-sink");
            assertThat(deadLetter.headers().toArray())
                    .as("only the strata.dlt.* contract, no kafka_dlt-* stack traces")
                    .allSatisfy(h -> assertThat(h.key()).startsWith(DeadLetterHeaders.PREFIX));
        }
        assertThat(rawReasons).isEqualTo(expectedReasons);
        assertThat(rollupReason).isEqualTo(Rejection.UNKNOWN_NODE);
        assertThat(deadLetters).hasSize(expectedReasons.size() + 1);
        assertThat(deadLetters.get(0).value()).isEqualTo("not avro at all".getBytes(StandardCharsets.UTF_8));

        // Hostile strings are stored byte for byte, in bound parameters and in jsonb.
        Map<String, String> storedLabels = new HashMap<>();
        fixture.jdbi.useHandle(handle -> handle.createQuery(
                        "SELECT l.key, l.value FROM metric_series s JOIN system_nodes n ON n.id = s.node_id, "
                                + "jsonb_each_text(s.labels) l WHERE n.node_key = :node AND s.metric_name = :name")
                .bind("node", NODE)
                .bind("name", HOSTILE_NAME)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(entry -> storedLabels.put(entry.getKey(), entry.getValue())));
        assertThat(storedLabels).isEqualTo(HOSTILE_LABELS);
        String storedNodeName = fixture.jdbi.withHandle(
                handle -> handle.createQuery("SELECT node_name FROM system_nodes WHERE node_key = :node")
                        .bind("node", NODE)
                        .mapTo(String.class)
                        .one());
        assertThat(storedNodeName).isEqualTo("name-" + NODE);
        double hostileValue = fixture.jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT m.value FROM metric_samples m JOIN metric_series s ON s.id = m.series_id "
                                + "WHERE s.metric_name = :name")
                .bind("name", HOSTILE_NAME)
                .mapTo(Double.class)
                .one());
        assertThat(hostileValue).isEqualTo(1.5);
    }

    private static void bad(
            Instant now,
            Map<String, String> labels,
            double value,
            Instant at,
            Map<Long, String> expectedReasons,
            long offset,
            String reason) {
        fixture.send(
                fixture.raw,
                0,
                NODE,
                TestRecords.batch(NODE, 100 + offset, now, List.of(TestRecords.sample("bad", labels, value, at))));
        expectedReasons.put(offset, reason);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
