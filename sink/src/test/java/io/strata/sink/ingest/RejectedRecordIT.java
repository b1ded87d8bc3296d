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
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A record that passes validation but that PostgreSQL rejects goes through spring-kafka's error handler. */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class RejectedRecordIT {

    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka kafka, EmbeddedPostgres postgres) {
        postgres.createDatabase("it_rejected_record");
        fixture = new IngestFixture(kafka, postgres.dataSource("it_rejected_record"), "it-rejected-record", 1);
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldCommitTheRecordsAroundOneThePostgresRejectsAndDeadLetterIt() {
        Instant bucket = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            fixture.send(fixture.raw, 0, "rejected-node", TestRecords.batch("rejected-node", 1, Instant.now(), 1));
            fixture.awaitCaughtUp(fixture.raw);

            fixture.send(fixture.hourly, 0, "rejected-node", TestRecords.rollup("rejected-node", bucket, 1, 1.0));
            // revision >= 0 is a CHECK constraint of rollups_hourly, not a validation rule: PostgreSQL rejects it.
            MetricRollup negative = TestRecords.rollup("rejected-node", bucket.plus(Duration.ofHours(1)), 1, 2.0);
            negative.setRevision(-1);
            fixture.send(fixture.hourly, 0, "rejected-node", negative);
            fixture.send(
                    fixture.hourly,
                    0,
                    "rejected-node",
                    TestRecords.rollup("rejected-node", bucket.minus(Duration.ofHours(1)), 1, 3.0));
            fixture.awaitCaughtUp(fixture.raw, fixture.hourly);
            assertThat(sink.stats().deadLetters()).containsEntry(Rejection.DATABASE_REJECTED, 1L);
        }

        assertThat(fixture.count("SELECT count(*) FROM rollups_hourly")).isEqualTo(2);
        assertThat(fixture.sum("SELECT sum(sum) FROM rollups_hourly")).isEqualTo(4.0);
        assertThat(fixture.storedOffsets(fixture.hourly)).containsEntry(0, 3L);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = fixture.deadLetters(1);
        assertThat(deadLetters).hasSize(1);
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.REASON)).isEqualTo(Rejection.DATABASE_REJECTED);
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.OFFSET)).isEqualTo("1");
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(fixture.hourly);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
