package io.strata.streams.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.validate.SeriesBounds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollup's checks of raw batches: the sink's series bounds and reason codes, applied before anything is stored. */
class RollupValidationTest {

    private static final String RAW = "raw";
    private static final String HOURLY = "hourly";
    private static final String DLT = "dlt";
    private static final Instant HOUR = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant WALL_CLOCK = HOUR.plus(Duration.ofDays(1));

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, MetricRollup> hourly;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private long sequence = 1;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(SeriesBounds bounds) {
        RollupSettings settings = RollupSettings.of(RetentionPolicy.defaults())
                .withTopics(RAW, HOURLY, "daily", DLT)
                .withSeriesBounds(bounds);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollup-validation-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(RollupTopology.build(settings), properties, WALL_CLOCK);
        raw = driver.createInputTopic(RAW, new StringSerializer(), new ByteArraySerializer());
        hourly = driver.createOutputTopic(
                HOURLY, new StringDeserializer(), AvroSerdes.metricRollup().deserializer());
        deadLetters = driver.createOutputTopic(DLT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void start() {
        start(SeriesBounds.defaults());
    }

    private static MetricSample.Builder sample() {
        return MetricSample.newBuilder()
                .setCategory("disk")
                .setName("used")
                .setLabels(Map.of("device", "sda"))
                .setValue(1)
                .setUnit("bytes")
                .setKind(MetricKind.GAUGE)
                .setTimestamp(HOUR.plus(Duration.ofMinutes(5)));
    }

    private static MetricBatch.Builder batch(MetricSample... samples) {
        return MetricBatch.newBuilder()
                .setNodeId("n1")
                .setNodeName("n1.example")
                .setCollectedAt(HOUR.plus(Duration.ofMinutes(5)))
                .setSequence(0)
                .setIntervalMs(null)
                .setSamples(List.of(samples));
    }

    private void send(MetricBatch.Builder batch) {
        MetricBatch built = batch.setSequence(sequence++).build();
        raw.pipeInput(built.getNodeId(), AvroSerdes.metricBatch().serialize(built), HOUR);
    }

    /** Sends a batch with one sample, changed by {@code change}, and returns the dead letters it caused. */
    private List<TestRecord<byte[], byte[]>> deadLettersOf(UnaryOperator<MetricSample.Builder> change) {
        send(batch(change.apply(sample()).build()));
        return deadLetters.readRecordsToList();
    }

    /** Asserts that the batch was dead-lettered by strata-streams with the reason, and that nothing was rolled up. */
    private void assertDeadLettered(List<TestRecord<byte[], byte[]>> dead, String reason) {
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo(reason);
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE)).isEqualTo("strata-streams");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(RAW);
        assertThat(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)).hasSizeLessThan(400);
        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(hourly.readValuesToList()).isEmpty();
    }

    private static Map<String, String> labels(int count) {
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < count; i++) {
            labels.put("k" + i, "v");
        }
        return labels;
    }

    @Test
    void shouldDeadLetterTooManyLabels() {
        start();
        assertDeadLettered(deadLettersOf(s -> s.setLabels(labels(33))), "invalid.too-many-labels");
    }

    @Test
    void shouldDeadLetterALabelKeyTooLong() {
        start();
        assertDeadLettered(deadLettersOf(s -> s.setLabels(Map.of("k".repeat(129), "v"))), "invalid.label-key-too-long");
    }

    @Test
    void shouldDeadLetterALabelValueTooLong() {
        start();
        assertDeadLettered(
                deadLettersOf(s -> s.setLabels(Map.of("device", "v".repeat(1025)))), "invalid.label-value-too-long");
    }

    @Test
    void shouldDeadLetterAOneMegabyteLabelValueInsteadOfStoringIt() {
        start();
        // The corpus case that used to stop the application: a 2 MB changelog record for the hourly store.
        List<TestRecord<byte[], byte[]>> dead =
                deadLettersOf(s -> s.setLabels(Map.of("device", "x".repeat(1024 * 1024))));

        assertDeadLettered(dead, "invalid.label-value-too-long");
        assertThat(dead.get(0).value().length).isGreaterThan(1024 * 1024);
    }

    @Test
    void shouldDeadLetterNamesTooLong() {
        start();
        String longName = "n".repeat(257);
        assertDeadLettered(deadLettersOf(s -> s.setCategory(longName)), "invalid.name-too-long");
        assertDeadLettered(deadLettersOf(s -> s.setName(longName)), "invalid.name-too-long");
        assertDeadLettered(deadLettersOf(s -> s.setUnit(longName)), "invalid.name-too-long");
        send(batch(sample().build()).setNodeId(longName));
        assertDeadLettered(deadLetters.readRecordsToList(), "invalid.name-too-long");
        send(batch(sample().build()).setNodeName(longName));
        assertDeadLettered(deadLetters.readRecordsToList(), "invalid.name-too-long");
    }

    @Test
    void shouldDeadLetterEmptyNames() {
        start();
        assertDeadLettered(deadLettersOf(s -> s.setName(" ")), "invalid.empty-name");
        assertDeadLettered(deadLettersOf(s -> s.setCategory("")), "invalid.empty-name");
        assertDeadLettered(deadLettersOf(s -> s.setLabels(Map.of("", "v"))), "invalid.empty-name");
        send(batch(sample().build()).setNodeName(""));
        assertDeadLettered(deadLetters.readRecordsToList(), "invalid.empty-name");
    }

    @Test
    void shouldDeadLetterNulCharacters() {
        start();
        assertDeadLettered(deadLettersOf(s -> s.setName("us\0ed")), "invalid.nul-character");
        assertDeadLettered(deadLettersOf(s -> s.setLabels(Map.of("device", "sd\0a"))), "invalid.nul-character");
        assertDeadLettered(deadLettersOf(s -> s.setLabels(Map.of("dev\0ice", "sda"))), "invalid.nul-character");
    }

    @Test
    void shouldDeadLetterNonFiniteValuesAndTimestampsOutsideTheWindow() {
        start();
        assertDeadLettered(deadLettersOf(s -> s.setValue(Double.POSITIVE_INFINITY)), "invalid.non-finite");
        assertDeadLettered(deadLettersOf(s -> s.setValue(Double.NaN)), "invalid.non-finite");
        assertDeadLettered(
                deadLettersOf(s -> s.setTimestamp(WALL_CLOCK.plus(Duration.ofDays(30)))),
                "invalid.timestamp-in-future");
        assertDeadLettered(
                deadLettersOf(s -> s.setTimestamp(Instant.EPOCH.minusSeconds(1))), "invalid.timestamp-too-old");
    }

    @Test
    void shouldRollUpASeriesExactlyAtTheBounds() {
        start();
        Map<String, String> atBounds = labels(31);
        atBounds.put("k".repeat(128), "v".repeat(1024));
        send(batch(sample().setLabels(atBounds)
                        .setCategory("c".repeat(256))
                        .setName("m".repeat(256))
                        .setUnit("u".repeat(256))
                        .build())
                .setNodeId("i".repeat(256))
                .setNodeName("n".repeat(256)));

        assertThat(deadLetters.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofHours(2)); // idle: effective time passes 11:00 + grace
        List<MetricRollup> rollups = hourly.readValuesToList();
        assertThat(rollups).hasSize(1);
        assertThat(rollups.get(0).getSeries().getLabels()).hasSize(32);
    }

    @Test
    void shouldApplyConfiguredBounds() {
        start(new SeriesBounds(2, 8, 16, 32));
        assertDeadLettered(deadLettersOf(s -> s.setLabels(labels(3))), "invalid.too-many-labels");
        assertDeadLettered(deadLettersOf(s -> s.setLabels(Map.of("k".repeat(9), "v"))), "invalid.label-key-too-long");
        assertDeadLettered(
                deadLettersOf(s -> s.setLabels(Map.of("device", "v".repeat(17)))), "invalid.label-value-too-long");
        assertDeadLettered(deadLettersOf(s -> s.setName("m".repeat(33))), "invalid.name-too-long");

        send(batch(sample().setLabels(labels(2)).build()));
        assertThat(deadLetters.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(hourly.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldDeadLetterTheWholeBatchForOneBadSample() {
        start();
        send(batch(
                sample().build(),
                sample().setName("other").setLabels(labels(40)).build()));

        assertDeadLettered(deadLetters.readRecordsToList(), "invalid.too-many-labels");
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
