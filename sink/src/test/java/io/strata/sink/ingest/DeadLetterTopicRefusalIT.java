package io.strata.sink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.EmbeddedPostgres;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.embedded.WithEmbeddedPostgres;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When the broker refuses a poll's dead letters (here: the dead-letter topic takes no record that large), nothing of
 * the poll commits, its good records are neither written nor dead-lettered, and the poll is retried until the dead
 * letters go through: then every good row is written once and the bad record is dead-lettered once.
 */
@WithEmbeddedKafka
@WithEmbeddedPostgres
class DeadLetterTopicRefusalIT {

    private static final String DATABASE = "it_deadletter_refusal";
    private static final int SAMPLES = 3;

    private static EmbeddedKafka kafka;
    private static IngestFixture fixture;

    @BeforeAll
    static void setUp(EmbeddedKafka embeddedKafka, EmbeddedPostgres postgres) {
        kafka = embeddedKafka;
        postgres.createDatabase(DATABASE);
        fixture = new IngestFixture(kafka, postgres.dataSource(DATABASE), "it-deadletter-refusal", 1);
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void shouldCommitNothingUntilTheDeadLettersArePublished() throws Exception {
        setMaxMessageBytes(2048);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        fixture.send(fixture.raw, 0, "n1", TestRecords.batch("n1", 1, at, SAMPLES));
        byte[] garbage = new byte[8192]; // not a single-object encoding, and too large for the dead-letter topic
        Arrays.fill(garbage, (byte) 'x');
        fixture.sendBytes(fixture.raw, 0, "n1", garbage);
        fixture.send(fixture.raw, 0, "n1", TestRecords.batch("n1", 2, at.plusSeconds(10), SAMPLES));

        try (SinkIngest sink = fixture.sink()) {
            sink.start();
            IngestFixture.await(
                    "the poll retried after the refused dead letter",
                    () -> sink.stats().retries() >= 3);
            assertThat(fixture.count("SELECT count(*) FROM metric_samples"))
                    .as("rows of a poll whose dead letter was refused")
                    .isZero();
            assertThat(fixture.storedOffsets(fixture.raw)).isEmpty();
            assertThat(sink.stats().deadLetters()).isEmpty();

            setMaxMessageBytes(1024 * 1024);
            fixture.awaitCaughtUp(fixture.raw);
            assertThat(sink.stats().deadLetters()).containsOnlyKeys("decode.not-single-object");
        }

        assertThat(fixture.count("SELECT count(*) FROM metric_samples")).isEqualTo(2L * SAMPLES);
        assertThat(fixture.storedOffsets(fixture.raw)).containsEntry(0, 3L);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = fixture.deadLetters(1);
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).value()).isEqualTo(garbage);
        assertThat(new String(
                        deadLetters
                                .get(0)
                                .headers()
                                .lastHeader(DeadLetterHeaders.OFFSET)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo("1");
    }

    private static void setMaxMessageBytes(int bytes) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, fixture.deadLetter);
        AlterConfigOp set = new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)),
                AlterConfigOp.OpType.SET);
        try (Admin admin = kafka.adminClient()) {
            admin.incrementalAlterConfigs(Map.of(topic, List.of(set))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
