package io.strata.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricKind;
import io.strata.schemas.avro.MetricRollup;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.config.StrataConfig;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SeriesSpec;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.streams.rollup.Sketches;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole app (topic reconcile, EOS, RocksDB state) on a real broker: 30 hours of a simulated fleet in, every
 * hourly and daily rollup equal to a recomputation from the fleet's values, each exactly once (read_committed), even
 * though two hours of batches are replayed after a restart.
 */
class RollupIT {

    private static final int NODES = 3;
    private static final int SERIES = 8;
    private static final int PARTITIONS = 2;
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Duration HISTORY = Duration.ofHours(30);
    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 86_400_000L;

    private static EmbeddedKafka kafka;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start(); // our own: other ITs delete strata.* topics on the shared broker
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private record Bucket(String node, String series, long start) {}

    private record Expected(
            long count, double sum, double min, double max, double first, double last, Double increase, int revision) {}

    @Test
    void shouldRollUpThirtyHoursOfAFleetExactlyOnceAcrossARestartAndCorrectLateSamples() throws Exception {
        SimulatedFleet fleet = SimulatedFleet.of(7, NODES, SERIES, INTERVAL);
        // Three days ago, so that no sample is ahead of the wall clock; a UTC midnight, so day 0 is complete.
        Instant from = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(3));
        Instant to = from.plus(HISTORY);
        Map<String, String> overrides = new HashMap<>();
        overrides.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        overrides.put("kafka.application.id", "rollup-it");
        overrides.put("kafka.state.dir", stateDir.toString());
        overrides.put("kafka.num.standby.replicas", "0");
        overrides.put("kafka." + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        overrides.put("rollup.punctuate-interval", "1s");
        // Kafka Streams does not leave its group on close: keep the restarted instance's wait for the old member short.
        overrides.put("kafka." + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        overrides.put(StreamsApp.HTTP_PORT_KEY, "0");
        overrides.put(StreamsApp.HTTP_HOST_KEY, "127.0.0.1");
        overrides.put(TopicCatalog.PARTITIONS_KEY, Integer.toString(PARTITIONS));
        StrataConfig config = StrataConfig.builder()
                .defaults(StreamsApp.DEFAULTS)
                .environment(Map.of())
                .overrides(overrides)
                .build();
        Map<Integer, TreeMap<Long, Double>> late = new HashMap<>();

        // The first half, then a clean restart: the second instance continues the open hour from restored state.
        Instant middle = from.plus(HISTORY.dividedBy(2));
        try (StreamsApp first = StreamsApp.start(config)) {
            produceHistory(fleet, from, middle);
            int closedHours = (int) Duration.between(from, middle).toHours() - 1;
            readUntil(TopicCatalog.METRICS_HOURLY, closedHours * NODES * SERIES);
        }
        try (StreamsApp app = StreamsApp.start(config)) {
            // A restarted load generator regenerating the last two hours it sent: replays, none rolled up twice.
            produceHistory(fleet, middle.minus(Duration.ofHours(2)), middle);
            produceHistory(fleet, middle, to);
            // Every partition's event time moves to two days after the history: all its hours and days close.
            produceClockTicks(to.plus(Duration.ofHours(22)));

            Map<Bucket, Expected> hourlyExpected = expected(fleet, from, to, HOUR_MS, late);
            Map<Bucket, Expected> dailyExpected = expected(fleet, from, to, DAY_MS, late);
            assertRollups(readUntil(TopicCatalog.METRICS_HOURLY, hourlyExpected.size()), hourlyExpected, 60);
            assertRollups(readUntil(TopicCatalog.METRICS_DAILY, dailyExpected.size()), dailyExpected, 1440);

            // Late samples of node 0, after the hour 05:00 and its day were emitted: one per series, 30 s after
            // the hour's last tick (after its last sample, so counters stay exact in the compacted bucket).
            Instant lateAt = from.plus(Duration.ofHours(6)).minusSeconds(30);
            List<MetricSample> samples =
                    new ArrayList<>(fleet.batch(0, lateAt, 0).getSamples());
            for (int series = 0; series < SERIES; series++) {
                double value = fleet.value(0, series, lateAt.plusSeconds(30)) + 0.25;
                samples.set(
                        series,
                        MetricSample.newBuilder(samples.get(series))
                                .setTimestamp(lateAt)
                                .setValue(value)
                                .build());
                late.put(series, new TreeMap<>(Map.of(lateAt.toEpochMilli(), value)));
            }
            produce(
                    TopicCatalog.METRICS_RAW,
                    null,
                    fleet.nodeId(0),
                    // A new batch (sequence above the history's), carrying old samples.
                    MetricBatch.newBuilder(fleet.batch(0, lateAt, to.toEpochMilli() / INTERVAL.toMillis()))
                            .setSamples(samples)
                            .build());

            hourlyExpected = expected(fleet, from, to, HOUR_MS, late);
            dailyExpected = expected(fleet, from, to, DAY_MS, late);
            assertRollups(readUntil(TopicCatalog.METRICS_HOURLY, hourlyExpected.size() + SERIES), hourlyExpected, 60);
            assertRollups(readUntil(TopicCatalog.METRICS_DAILY, dailyExpected.size() + SERIES), dailyExpected, 1440);

            assertThat(app.stopped()).isNotDone();
            assertThat(get(app, "/health")).contains("RUNNING");
            assertThat(get(app, "/metrics")).contains("kafka_stream");
        }
    }

    private static String get(StreamsApp app, String path) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + app.httpPort().orElseThrow() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    private static void produceHistory(SimulatedFleet fleet, Instant from, Instant to) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (Instant tick = from; tick.isBefore(to); tick = tick.plus(INTERVAL)) {
                for (int node = 0; node < NODES; node++) {
                    MetricBatch batch = fleet.batch(node, tick, tick.toEpochMilli() / INTERVAL.toMillis());
                    producer.send(new ProducerRecord<>(
                            TopicCatalog.METRICS_RAW,
                            fleet.nodeId(node),
                            AvroSerdes.metricBatch().serialize(batch)));
                }
            }
            producer.flush();
        }
    }

    private static void produceClockTicks(Instant at) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                String node = "clock-" + partition;
                MetricBatch batch = MetricBatch.newBuilder()
                        .setNodeId(node)
                        .setNodeName(node)
                        .setCollectedAt(at)
                        .setSequence(0)
                        .setIntervalMs(null)
                        .setSamples(List.of(MetricSample.newBuilder()
                                .setCategory("clock")
                                .setName("tick")
                                .setValue(0)
                                .setKind(MetricKind.GAUGE)
                                .setTimestamp(at)
                                .build()))
                        .build();
                producer.send(new ProducerRecord<>(
                        TopicCatalog.METRICS_RAW,
                        partition,
                        node,
                        AvroSerdes.metricBatch().serialize(batch)));
            }
            producer.flush();
        }
    }

    private static void produce(String topic, Integer partition, String key, MetricBatch batch) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(
                    topic, partition, key, AvroSerdes.metricBatch().serialize(batch)));
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Every rollup of the fleet's nodes that must appear, recomputed from the fleet's values plus the late samples
     * of node 0 (per series: timestamp to value), with the revision it must have reached.
     */
    private static Map<Bucket, Expected> expected(
            SimulatedFleet fleet, Instant from, Instant to, long widthMs, Map<Integer, TreeMap<Long, Double>> late) {
        Map<Bucket, Expected> expected = new HashMap<>();
        for (int node = 0; node < NODES; node++) {
            for (int series = 0; series < SERIES; series++) {
                SeriesSpec spec = fleet.series(node, series);
                TreeMap<Long, Double> samples = new TreeMap<>();
                for (Instant tick = from; tick.isBefore(to); tick = tick.plus(INTERVAL)) {
                    samples.put(tick.toEpochMilli(), fleet.value(node, series, tick));
                }
                Map<Long, List<Double>> buckets = new TreeMap<>();
                samples.forEach((timestamp, value) -> buckets.computeIfAbsent(
                                Math.floorDiv(timestamp, widthMs) * widthMs, start -> new ArrayList<>())
                        .add(value));
                Map<Long, List<Double>> withLate = new TreeMap<>();
                if (node == 0 && late.containsKey(series)) {
                    samples.putAll(late.get(series));
                    samples.forEach((timestamp, value) -> withLate.computeIfAbsent(
                                    Math.floorDiv(timestamp, widthMs) * widthMs, start -> new ArrayList<>())
                            .add(value));
                } else {
                    withLate.putAll(buckets);
                }
                for (Map.Entry<Long, List<Double>> bucket : withLate.entrySet()) {
                    List<Double> values = bucket.getValue();
                    double increase = 0;
                    for (int i = 1; i < values.size(); i++) {
                        double previous = values.get(i - 1);
                        double next = values.get(i);
                        increase += next >= previous ? next - previous : next;
                    }
                    int revision = values.size() == buckets.get(bucket.getKey()).size() ? 1 : 2;
                    expected.put(
                            new Bucket(
                                    fleet.nodeId(node),
                                    key(spec.category(), spec.name(), spec.labels()),
                                    bucket.getKey()),
                            new Expected(
                                    values.size(),
                                    values.stream()
                                            .mapToDouble(Double::doubleValue)
                                            .sum(),
                                    values.stream()
                                            .mapToDouble(Double::doubleValue)
                                            .min()
                                            .orElseThrow(),
                                    values.stream()
                                            .mapToDouble(Double::doubleValue)
                                            .max()
                                            .orElseThrow(),
                                    values.get(0),
                                    values.get(values.size() - 1),
                                    spec.kind() == MetricKind.COUNTER ? increase : null,
                                    revision));
                }
            }
        }
        return expected;
    }

    private static String key(String category, String name, Map<String, String> labels) {
        return category + "." + name + new TreeMap<>(labels);
    }

    /** Each (bucket, revision) once; every bucket at its expected revision with the recomputed values. */
    private static void assertRollups(
            List<MetricRollup> rollups, Map<Bucket, Expected> expected, long samplesExpected) {
        Map<Bucket, MetricRollup> latest = new HashMap<>();
        Map<String, MetricRollup> seen = new HashMap<>();
        for (MetricRollup rollup : rollups) {
            Bucket bucket = new Bucket(
                    rollup.getNodeId(),
                    key(
                            rollup.getSeries().getCategory(),
                            rollup.getSeries().getName(),
                            rollup.getSeries().getLabels()),
                    rollup.getBucketStart().toEpochMilli());
            assertThat(seen.put(bucket + "@" + rollup.getRevision(), rollup))
                    .as("duplicate rollup for %s revision %s", bucket, rollup.getRevision())
                    .isNull();
            latest.merge(bucket, rollup, (a, b) -> a.getRevision() >= b.getRevision() ? a : b);
        }
        assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((bucket, want) -> {
            MetricRollup got = latest.get(bucket);
            assertThat(new Expected(
                            got.getCount(),
                            got.getSum(),
                            got.getMin(),
                            got.getMax(),
                            got.getFirst(),
                            got.getLast(),
                            got.getIncrease(),
                            got.getRevision()))
                    .as("rollup %s", bucket)
                    .isEqualTo(want);
            assertThat(got.getSamplesExpected()).isEqualTo(samplesExpected);
            byte[] sketch = new byte[got.getSketch().remaining()];
            got.getSketch().duplicate().get(sketch);
            assertThat(Sketches.fromProtobuf(sketch).getCount()).isEqualTo(want.count());
        });
    }

    /** Reads a rollup topic (read_committed) until {@code count} fleet rollups arrived, then a little longer. */
    private static List<MetricRollup> readUntil(String topic, int count) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "rollup-it-" + topic + "-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<MetricRollup> rollups = new ArrayList<>();
        try (KafkaConsumer<String, MetricRollup> consumer = new KafkaConsumer<>(
                properties, new StringDeserializer(), AvroSerdes.metricRollup().deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, MetricRollup> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!record.key().startsWith("clock-")) {
                        assertThat(record.key()).isEqualTo(record.value().getNodeId());
                        rollups.add(record.value());
                    }
                }
                if (rollups.size() >= count && quietUntil == Long.MAX_VALUE) {
                    // Keep reading a few seconds: a duplicate would arrive now.
                    quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
            }
        }
        assertThat(rollups).as("rollups in %s", topic).hasSizeGreaterThanOrEqualTo(count);
        return rollups;
    }
}
