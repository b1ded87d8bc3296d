package io.strata.streams.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.RollupTier;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.retention.RetentionPeriod;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.schemas.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
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

class RollupTopologyTest {

    private static final String RAW = "raw";
    private static final String HOURLY = "hourly";
    private static final String DAILY = "daily";
    private static final String DLT = "dlt";
    /** A UTC day; the driver's wall clock starts five days later, so no sample is "in the future". */
    private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, MetricRollup> hourly;
    private TestOutputTopic<String, MetricRollup> daily;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private long sequence;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(RetentionPolicy retention) {
        RollupSettings settings = RollupSettings.of(retention).withTopics(RAW, HOURLY, DAILY, DLT);
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollup-test");
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put("processing.exception.handler.global.enabled", "true");
        driver = new TopologyTestDriver(RollupTopology.build(settings), properties, DAY.plus(Duration.ofDays(5)));
        raw = driver.createInputTopic(RAW, new StringSerializer(), new ByteArraySerializer());
        hourly = driver.createOutputTopic(
                HOURLY, new StringDeserializer(), AvroSerdes.metricRollup().deserializer());
        daily = driver.createOutputTopic(
                DAILY, new StringDeserializer(), AvroSerdes.metricRollup().deserializer());
        deadLetters = driver.createOutputTopic(DLT, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void start() {
        start(RetentionPolicy.defaults());
    }

    private static Instant at(String time) {
        return Instant.parse("2026-11-20T" + time + "Z");
    }

    private static MetricSample gauge(String name, double value, Instant timestamp) {
        return sample(name, value, timestamp, MetricKind.GAUGE);
    }

    private static MetricSample counter(String name, double value, Instant timestamp) {
        return sample(name, value, timestamp, MetricKind.COUNTER);
    }

    private static MetricSample sample(String name, double value, Instant timestamp, MetricKind kind) {
        return MetricSample.newBuilder()
                .setCategory("test")
                .setName(name)
                .setLabels(Map.of("device", "d0"))
                .setValue(value)
                .setUnit(kind == MetricKind.COUNTER ? "bytes" : null)
                .setKind(kind)
                .setTimestamp(timestamp)
                .build();
    }

    /** One batch of one node, stamped (Kafka timestamp) with its newest sample. */
    private void send(String node, MetricSample... samples) {
        send(node, sequence++, samples);
    }

    /** One batch of one node with the given sequence, stamped (Kafka timestamp) with its newest sample. */
    private void send(String node, long sequence, MetricSample... samples) {
        Instant newest = Arrays.stream(samples)
                .map(MetricSample::getTimestamp)
                .max(Instant::compareTo)
                .orElseThrow();
        MetricBatch batch = MetricBatch.newBuilder()
                .setNodeId(node)
                .setNodeName(node + ".example")
                .setCollectedAt(newest)
                .setSequence(sequence)
                .setIntervalMs(Duration.ofMinutes(15).toMillis())
                .setSamples(List.of(samples))
                .build();
        raw.pipeInput(node, AvroSerdes.metricBatch().serialize(batch), newest);
    }

    /** Moves event time (and stream time) forward with a sample of another node. */
    private void advanceTo(Instant time) {
        send("clock-node", gauge("tick", 0, time));
    }

    private static List<MetricRollup> of(List<MetricRollup> rollups, String node) {
        return rollups.stream().filter(r -> r.getNodeId().equals(node)).toList();
    }

    private static MetricRollup only(List<MetricRollup> rollups, String node, String name) {
        List<MetricRollup> found = of(rollups, node).stream()
                .filter(r -> r.getSeries().getName().equals(name))
                .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private double metric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().group().equals(RollupMetrics.GROUP))
                .filter(e -> e.getKey().name().equals(name))
                .map(Map.Entry::getValue)
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
                .sum();
    }

    @Test
    void shouldEmitExactHourlyValuesWithCounterIncreaseAcrossAReset() {
        start();
        send("n1", gauge("load", 3, at("10:15:00")), counter("rx", 150, at("10:15:00")));
        send("n1", gauge("load", 1, at("10:00:00")), counter("rx", 100, at("10:00:00"))); // out of order
        send("n1", gauge("load", 2, at("10:30:00")), counter("rx", 20, at("10:30:00"))); // counter reset
        send("n1", gauge("load", 4, at("10:45:00")), counter("rx", 70, at("10:45:00")));
        advanceTo(at("11:09:59"));
        assertThat(hourly.isEmpty()).isTrue();

        advanceTo(at("11:10:00")); // 10:00 bucket end + 10m grace

        List<MetricRollup> emitted = of(hourly.readValuesToList(), "n1");
        assertThat(emitted).hasSize(2);
        MetricRollup load = only(emitted, "n1", "load");
        assertThat(load.getTier()).isEqualTo(RollupTier.HOURLY);
        assertThat(load.getBucketStart()).isEqualTo(at("10:00:00"));
        assertThat(load.getBucketEnd()).isEqualTo(at("11:00:00"));
        assertThat(load.getCount()).isEqualTo(4);
        assertThat(load.getSum()).isEqualTo(10);
        assertThat(load.getMin()).isEqualTo(1);
        assertThat(load.getMax()).isEqualTo(4);
        assertThat(load.getFirst()).isEqualTo(1);
        assertThat(load.getLast()).isEqualTo(4);
        assertThat(load.getIncrease()).isNull();
        assertThat(load.getRevision()).isEqualTo(1);
        assertThat(load.getSamplesExpected()).isEqualTo(4L);
        assertThat(load.getSeries().getLabels()).containsEntry("device", "d0");
        assertThat(Sketches.fromProtobuf(bytes(load)).getCount()).isEqualTo(4);
        MetricRollup rx = only(emitted, "n1", "rx");
        assertThat(rx.getSeries().getKind()).isEqualTo(MetricKind.COUNTER);
        assertThat(rx.getSeries().getUnit()).isEqualTo("bytes");
        assertThat(rx.getFirst()).isEqualTo(100);
        assertThat(rx.getLast()).isEqualTo(70);
        assertThat(rx.getIncrease()).isEqualTo(50 + 20 + 50); // 100->150, reset to 20, 20->70
    }

    @Test
    void shouldKeepACounterIncreaseExactWhenSamplesArriveOutOfOrderWithinGrace() {
        start();
        send("n1", counter("rx", 10, at("10:00:00")));
        send("n1", counter("rx", 40, at("10:30:00")));
        send("n1", counter("rx", 5, at("10:45:00"))); // a reset
        send("n1", counter("rx", 30, at("10:15:00"))); // late, lands between 10 and 40
        advanceTo(at("11:10:00"));

        MetricRollup rx = only(hourly.readValuesToList(), "n1", "rx");
        assertThat(rx.getIncrease()).isEqualTo(20 + 10 + 5); // 10 -> 30 -> 40, reset to 5
        assertThat(rx.getRevision()).isEqualTo(1);
        assertThat(metric(RollupMetrics.INEXACT_INCREASE)).isZero();
    }

    @Test
    void shouldKeepSeriesOfDifferentNodesAndLabelsApart() {
        start();
        MetricSample sda = MetricSample.newBuilder(gauge("read", 1, at("10:10:00")))
                .setLabels(Map.of("device", "sda"))
                .build();
        MetricSample sdb = MetricSample.newBuilder(gauge("read", 2, at("10:10:00")))
                .setLabels(Map.of("device", "sdb"))
                .build();
        send("n1", sda, sdb);
        send("n2", MetricSample.newBuilder(sda).setValue(4).build());
        advanceTo(at("11:10:00"));

        List<TestRecord<String, MetricRollup>> records = hourly.readRecordsToList();
        assertThat(records)
                .filteredOn(r -> !r.key().equals("clock-node"))
                .extracting(r -> r.key() + " " + r.value().getSeries().getLabels() + " "
                        + r.value().getSum())
                .containsExactlyInAnyOrder("n1 {device=sda} 1.0", "n1 {device=sdb} 2.0", "n2 {device=sda} 4.0");
    }

    @Test
    void shouldPutASampleAtTheFullHourIntoTheNewHour() {
        start();
        send("n1", gauge("load", 1, at("10:59:59.999")));
        send("n1", gauge("load", 2, at("11:00:00")));
        advanceTo(at("12:10:00"));

        List<MetricRollup> emitted = of(hourly.readValuesToList(), "n1");
        assertThat(emitted).extracting(MetricRollup::getBucketStart).containsExactly(at("10:00:00"), at("11:00:00"));
        assertThat(emitted).extracting(MetricRollup::getSum).containsExactly(1.0, 2.0);
        assertThat(emitted).extracting(MetricRollup::getCount).containsExactly(1L, 1L);
    }

    @Test
    void shouldIncludeASampleArrivingWithinGraceWithoutARevision() {
        start();
        send("n1", gauge("load", 1, at("10:30:00")));
        advanceTo(at("11:05:00"));
        send("n1", gauge("load", 5, at("10:50:00"))); // late, but within the 10 minutes of grace
        advanceTo(at("11:10:00"));
        advanceTo(at("11:30:00"));

        List<MetricRollup> emitted = of(hourly.readValuesToList(), "n1");
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getRevision()).isEqualTo(1);
        assertThat(emitted.get(0).getCount()).isEqualTo(2);
        assertThat(emitted.get(0).getLast()).isEqualTo(5);
        assertThat(metric(RollupMetrics.LATE_SAMPLES)).isZero();
    }

    @Test
    void shouldCorrectHourlyAndDailyRollupsForALateSample() {
        start();
        send("n1", gauge("load", 2, at("10:15:00")), counter("rx", 10, at("10:15:00")));
        send("n1", gauge("load", 4, at("11:15:00")), counter("rx", 30, at("11:15:00")));
        advanceTo(DAY.plus(Duration.ofHours(26))); // the day closes at 02:00 next day
        List<MetricRollup> firstHourly = of(hourly.readValuesToList(), "n1");
        List<MetricRollup> firstDaily = of(daily.readValuesToList(), "n1");
        assertThat(firstHourly).hasSize(4).allSatisfy(r -> assertThat(r.getRevision())
                .isEqualTo(1));
        MetricRollup dailyLoad = only(firstDaily, "n1", "load");
        assertThat(dailyLoad.getRevision()).isEqualTo(1);
        assertThat(dailyLoad.getTier()).isEqualTo(RollupTier.DAILY);
        assertThat(dailyLoad.getBucketStart()).isEqualTo(DAY);
        assertThat(dailyLoad.getBucketEnd()).isEqualTo(DAY.plus(Duration.ofDays(1)));
        assertThat(dailyLoad.getCount()).isEqualTo(2);
        assertThat(dailyLoad.getSamplesExpected()).isEqualTo(96L);
        assertThat(only(firstDaily, "n1", "rx").getIncrease()).isEqualTo(20); // the step between the hours

        // A late sample for 10:45, after both the hour and the day were emitted.
        send("n1", gauge("load", 9, at("10:45:00")), counter("rx", 25, at("10:45:00")));
        advanceTo(DAY.plus(Duration.ofHours(26)).plusSeconds(30));

        List<MetricRollup> corrected = of(hourly.readValuesToList(), "n1");
        assertThat(corrected).hasSize(2);
        MetricRollup load = only(corrected, "n1", "load");
        assertThat(load.getRevision()).isEqualTo(2);
        assertThat(load.getBucketStart()).isEqualTo(at("10:00:00"));
        assertThat(load.getCount()).isEqualTo(2);
        assertThat(load.getSum()).isEqualTo(11);
        assertThat(load.getLast()).isEqualTo(9);
        assertThat(only(corrected, "n1", "rx").getIncrease()).isEqualTo(15); // exact after the compacted bucket
        List<MetricRollup> correctedDaily = of(daily.readValuesToList(), "n1");
        MetricRollup correctedLoad = only(correctedDaily, "n1", "load");
        assertThat(correctedLoad.getRevision()).isEqualTo(2);
        assertThat(correctedLoad.getCount()).isEqualTo(3);
        assertThat(correctedLoad.getSum()).isEqualTo(15);
        assertThat(correctedLoad.getMax()).isEqualTo(9);
        assertThat(only(correctedDaily, "n1", "rx").getRevision()).isEqualTo(2);
        assertThat(only(correctedDaily, "n1", "rx").getIncrease()).isEqualTo(20); // 10 -> 25 -> 30
        assertThat(metric(RollupMetrics.LATE_SAMPLES)).isEqualTo(2);
        assertThat(metric(RollupMetrics.CORRECTIONS_EMITTED)).isEqualTo(4);
    }

    @Test
    void shouldRollUpTheSameBatchOnlyOnce() {
        start();
        send("n1", 7, gauge("load", 2, at("10:01:00")));
        send("n1", 7, gauge("load", 2, at("10:01:00"))); // the spool re-sends after a lost ack
        advanceTo(at("11:10:00"));

        MetricRollup load = only(hourly.readValuesToList(), "n1", "load");
        assertThat(load.getCount()).isEqualTo(1);
        assertThat(load.getSum()).isEqualTo(2);
        assertThat(metric(RollupMetrics.REPLAYED_BATCHES)).isEqualTo(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldSkipAnOlderSequenceAfterANewerOne() {
        start();
        send("n1", 10, gauge("load", 1, at("10:10:00")));
        send("n1", 9, gauge("load", 100, at("10:09:00"))); // regenerated history, already taken
        send("n1", 11, gauge("load", 3, at("10:11:00")));
        advanceTo(at("11:10:00"));

        MetricRollup load = only(hourly.readValuesToList(), "n1", "load");
        assertThat(load.getCount()).isEqualTo(2);
        assertThat(load.getMax()).isEqualTo(3);
        assertThat(load.getFirst()).isEqualTo(1);
        assertThat(metric(RollupMetrics.REPLAYED_BATCHES)).isEqualTo(1);
    }

    @Test
    void shouldTrackSequencesPerNode() {
        start();
        send("n1", 50, gauge("load", 1, at("10:10:00")));
        send("n2", 3, gauge("load", 2, at("10:10:00"))); // below n1's, but n2's own first
        send("n2", 4, gauge("load", 4, at("10:20:00")));
        send("n1", 50, gauge("load", 1, at("10:10:00")));
        advanceTo(at("11:10:00"));

        List<MetricRollup> emitted = hourly.readValuesToList();
        assertThat(only(emitted, "n1", "load").getCount()).isEqualTo(1);
        assertThat(only(emitted, "n2", "load").getCount()).isEqualTo(2);
        assertThat(metric(RollupMetrics.REPLAYED_BATCHES)).isEqualTo(1);
    }

    @Test
    void shouldSkipTheReplayOfAnInvalidBatchInsteadOfDeadLetteringItAgain() {
        start();
        send("n1", 5, gauge("load", Double.NaN, at("10:01:00")));
        send("n1", 5, gauge("load", Double.NaN, at("10:01:00")));

        assertThat(deadLetters.readRecordsToList()).hasSize(1);
        assertThat(metric(RollupMetrics.REPLAYED_BATCHES)).isEqualTo(1);
    }

    @Test
    void shouldCloseAQuietSeriesOnWallClockTime() {
        start();
        send("n1", gauge("load", 1, at("10:30:00")));

        driver.advanceWallClockTime(Duration.ofMinutes(30)); // effective time 11:00: not closed yet
        assertThat(hourly.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(11)); // 11:11, past 11:00 + 10m grace

        List<MetricRollup> emitted = hourly.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).getBucketStart()).isEqualTo(at("10:00:00"));
        assertThat(emitted.get(0).getRevision()).isEqualTo(1);
        driver.advanceWallClockTime(Duration.ofHours(16)); // the day closes too
        assertThat(daily.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldDeadLetterPoisonRecordsAndKeepGoing() {
        start();
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        raw.pipeInput(new TestRecord<>("n1", garbage, at("10:00:00")));
        send("n1", gauge("load", Double.NaN, at("10:01:00")));
        send("n1", gauge("load", 1, at("10:02:00")));
        advanceTo(at("11:10:00"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("n1");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("decode.");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(RAW);
        assertThat(header(dead.get(0), DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE)).isEqualTo("strata-streams");
        assertThat(header(dead.get(1), DeadLetterHeaders.REASON)).isEqualTo("invalid.non-finite");
        assertThat(header(dead.get(1), DeadLetterHeaders.ERROR_MESSAGE)).contains("NaN");
        assertThat(header(dead.get(1), DeadLetterHeaders.SOURCE)).isEqualTo("strata-streams");
        assertThat(metric(RollupMetrics.DEAD_LETTERS)).isEqualTo(2);
        MetricRollup load = only(hourly.readValuesToList(), "n1", "load");
        assertThat(load.getCount()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterASampleStampedFarInTheFuture() {
        start();
        send("n1", gauge("load", 1, DAY.plus(Duration.ofDays(6))));

        assertThat(header(deadLetters.readRecord(), DeadLetterHeaders.REASON)).isEqualTo("invalid.timestamp-in-future");
    }

    @Test
    void shouldCountButNotRollUpSamplesBeyondTheHourlyRetention() {
        start(new RetentionPolicy(
                Duration.ofDays(1).plusHours(1),
                Duration.ofDays(2),
                Duration.ofDays(2),
                RetentionPeriod.FOREVER,
                Duration.ofDays(1),
                1,
                Duration.ofMinutes(10),
                Duration.ofHours(2)));
        advanceTo(at("10:00:00").plus(Duration.ofDays(2)));
        hourly.readValuesToList();

        send("n1", gauge("load", 1, at("09:30:00"))); // ended 10:00, two days (the retention) ago
        send("n1", gauge("load", 1, at("10:30:00"))); // still within
        advanceTo(at("10:00:00").plus(Duration.ofDays(3)));

        assertThat(metric(RollupMetrics.BEYOND_RETENTION)).isEqualTo(1);
        assertThat(of(hourly.readValuesToList(), "n1"))
                .extracting(MetricRollup::getBucketStart)
                .containsExactly(at("10:00:00"));
    }

    @Test
    void shouldGiveDailyPercentilesWithinTheRelativeAccuracyOfTheExactQuantiles() {
        start();
        Random random = new Random(17);
        List<Double> values = new ArrayList<>();
        for (int minute = 0; minute < 24 * 60; minute++) {
            double value = Math.exp(random.nextGaussian() * 2 + 3); // log-normal: a long tail
            values.add(value);
            send("n1", gauge("latency", value, DAY.plus(Duration.ofMinutes(minute))));
        }
        advanceTo(DAY.plus(Duration.ofHours(26)));

        assertThat(of(hourly.readValuesToList(), "n1")).hasSize(24);
        MetricRollup day = only(daily.readValuesToList(), "n1", "latency");
        assertThat(day.getCount()).isEqualTo(values.size());
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        var sketch = Sketches.fromProtobuf(bytes(day));
        for (double quantile : new double[] {0.5, 0.95, 0.99}) {
            double exact = sorted[(int) Math.floor(quantile * (sorted.length - 1))];
            assertThat(sketch.getValueAtQuantile(quantile))
                    .as("p%s", quantile * 100)
                    .isBetween(
                            exact * (1 - Sketches.DEFAULT_RELATIVE_ACCURACY),
                            exact * (1 + Sketches.DEFAULT_RELATIVE_ACCURACY));
        }
        assertThat(day.getMin()).isEqualTo(sorted[0]);
        assertThat(day.getMax()).isEqualTo(sorted[sorted.length - 1]);
    }

    private static byte[] bytes(MetricRollup rollup) {
        var buffer = rollup.getSketch().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
