package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replayed raw batches (a sequence not above the node's last one written) are dead-lettered with {@code
 * invalid.duplicate-sequence} and never written: within one poll, against a committed poll, and after a restart.
 */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class DuplicateSequenceIT {

    private static final String DATABASE = "it_duplicate_sequence";
    private static final int SAMPLES = 3;

    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        postgres.createDatabase(DATABASE);
        fixture = new IngestFixture(kafka, postgres.dataSource(DATABASE), "it-duplicate-sequence", 1);
        // As in production: the sink's login holds strata_writer only, which must reach sink_node_sequences.
        fixture.writeAs(postgres, DATABASE, "it_duplicate_sequence_writer");
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldDeadLetterEveryReplayedBatchAndWriteEachSequenceOnce() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        Map<Long, String> replays = new TreeMap<>();
        double written = 0;

        // 1. Before the sink starts, so that they usually arrive in one poll (each is judged against those before it
        // either way): the same batch twice, an older sequence after a newer one, another node with its own.
        written += send("n1", 1, at);
        replays.put(send(1, "n1", 1, at), "same batch twice");
        written += send("n1", 3, at.plusSeconds(20));
        replays.put(send(3, "n1", 2, at.plusSeconds(10)), "older after newer");
        written += send("n2", 1, at);

        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            fixture.awaitCaughtUp(fixture.raw);
            assertThat(storedSequences()).containsOnly(Map.entry("n1", 3L), Map.entry("n2", 1L));

            // 2. Against what a committed transaction wrote.
            replays.put(send(5, "n1", 3, at.plusSeconds(20)), "replay of a committed batch");
            fixture.awaitCaughtUp(fixture.raw);
            written += send("n1", 4, at.plusSeconds(30));
            fixture.awaitCaughtUp(fixture.raw);
        }
        assertThat(storedSequences()).containsOnly(Map.entry("n1", 4L), Map.entry("n2", 1L));

        // 3. Across a restart: the new sink loads the sequences with the offsets.
        replays.put(send(7, "n1", 4, at.plusSeconds(30)), "replay after a restart");
        replays.put(send(8, "n1", 2, at.plusSeconds(10)), "older after a restart");
        written += send("n2", 2, at.plusSeconds(10));
        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            fixture.awaitCaughtUp(fixture.raw);
            assertThat(sink.stats().deadLetters()).containsEntry(Rejection.DUPLICATE_SEQUENCE, 2L);
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(5L * SAMPLES);
        assertThat(fixture.sum("SELECT sum(value) FROM metric_samples")).isEqualTo(written);
        assertThat(storedSequences()).containsOnly(Map.entry("n1", 4L), Map.entry("n2", 2L));
        assertThat(fixture.storedOffsets(fixture.raw)).containsEntry(0, 10L);

        Map<Long, String> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> deadLetter : fixture.deadLetters(replays.size())) {
            reasons.put(
                    Long.parseLong(header(deadLetter, DeadLetterHeaders.OFFSET)),
                    header(deadLetter, DeadLetterHeaders.REASON));
        }
        assertThat(reasons.keySet()).as("dead-lettered offsets").isEqualTo(replays.keySet());
        assertThat(reasons.values()).containsOnly(Rejection.DUPLICATE_SEQUENCE);
    }

    /** Sends a batch expected to be written; returns the sum of its values. */
    private static double send(String node, long sequence, Instant at) {
        MetricBatch batch = TestRecords.batch(node, sequence, at, SAMPLES);
        fixture.send(fixture.raw, 0, node, batch);
        double sum = 0;
        for (int i = 0; i < SAMPLES; i++) {
            sum += TestRecords.value(sequence, i);
        }
        return sum;
    }

    /** Sends a replay expected at {@code offset}; returns that offset. */
    private static long send(long offset, String node, long sequence, Instant at) {
        fixture.send(fixture.raw, 0, node, TestRecords.batch(node, sequence, at, SAMPLES));
        assertThat(fixture.endOffsets(fixture.raw)).containsEntry(0, offset + 1);
        return offset;
    }

    private static Map<String, Long> storedSequences() {
        List<Map.Entry<String, Long>> rows = fixture.jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT node_key, last_sequence FROM sink_node_sequences WHERE consumer_group = :group")
                .bind("group", fixture.group)
                .map((row, context) -> Map.entry(row.getString(1), row.getLong(2)))
                .list());
        Map<String, Long> sequences = new TreeMap<>();
        rows.forEach(row -> sequences.put(row.getKey(), row.getValue()));
        return sequences;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
