package io.strata.streams.bench;

import io.strata.embedded.EmbeddedKafka;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.retention.RetentionPolicy;
import io.strata.schemas.serde.AvroSerde;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import io.strata.schemas.topic.TopicCatalog;
import io.strata.streams.rollup.RollupSettings;
import io.strata.streams.rollup.RollupTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Samples per second through {@link RollupTopology} with exactly-once on one stream thread, against a plain {@link
 * KafkaConsumer} reading (and decoding) the same topic in the same run: the I/O ceiling.
 *
 * <p>Arguments: {@code [batches] [nodes]}, default 20000 batches of 50 samples from 20 simulated nodes at 10 s.
 * Run: {@code ./mvnw -pl streams -am test-compile} then {@code java -cp <test classpath>
 * io.strata.streams.bench.RollupBenchmark}.
 */
public final class RollupBenchmark {
    private static final int SAMPLES_PER_BATCH = 50;
    // As in streams-defaults.properties; system property strata.bench.commit-interval-ms to compare.
    private static final String COMMIT_INTERVAL_MS = System.getProperty("strata.bench.commit-interval-ms", "1000");

    private RollupBenchmark() {}

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        SimulatedFleet fleet = SimulatedFleet.of(1, nodes, SAMPLES_PER_BATCH, Duration.ofSeconds(10));
        Path stateDir = Files.createTempDirectory("strata-bench-state");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Admin admin = kafka.adminClient()) {
            TopicCatalog.of(RetentionPolicy.defaults(), 1, (short) 1).reconcile(admin);
            Instant from = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));
            long produced = produce(kafka, fleet, from, batches, nodes);
            long samples = produced * SAMPLES_PER_BATCH;
            System.out.printf("input: %,d batches, %,d samples%n", produced, samples);

            double plain = plainConsumer(kafka, produced);
            System.out.printf("plain KafkaConsumer (with Avro decoding): %,.0f samples/s%n", samples / plain);

            double streams = streams(kafka, admin, stateDir, produced);
            System.out.printf(
                    "RollupTopology, exactly_once_v2, 1 thread, commit every %s ms: %,.0f samples/s%n",
                    COMMIT_INTERVAL_MS, samples / streams);
            System.out.printf("ratio streams / plain consumer: %.2f%n", plain / streams);
        }
    }

    private static long produce(EmbeddedKafka kafka, SimulatedFleet fleet, Instant from, int batches, int nodes) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AvroSerde<MetricBatch> serde = AvroSerdes.metricBatch();
        long count = 0;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            for (long tick = 0; count < batches; tick++) {
                Instant at = from.plus(fleet.interval().multipliedBy(tick));
                for (int node = 0; node < nodes && count < batches; node++) {
                    producer.send(new ProducerRecord<>(
                            TopicCatalog.METRICS_RAW,
                            fleet.nodeId(node),
                            serde.serialize(fleet.batch(node, at, tick))));
                    count++;
                }
            }
            producer.flush();
        }
        return count;
    }

    /** Seconds a plain consumer takes to read and decode every batch. */
    private static double plainConsumer(EmbeddedKafka kafka, long batches) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-plain-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroSerde<MetricBatch> serde = AvroSerdes.metricBatch();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TopicCatalog.METRICS_RAW, 0)));
            consumer.seekToBeginning(consumer.assignment());
            long read = 0;
            long samples = 0;
            long start = System.nanoTime();
            while (read < batches) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    samples += serde.deserialize(record.topic(), record.value())
                            .getSamples()
                            .size();
                    read++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (samples == 0) {
                throw new IllegalStateException("no samples read");
            }
            return seconds;
        }
    }

    /** Seconds from RUNNING until the app has committed the whole input. */
    private static double streams(EmbeddedKafka kafka, Admin admin, Path stateDir, long batches) throws Exception {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        String applicationId = "bench-rollups-" + UUID.randomUUID();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        properties.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        CountDownLatch running = new CountDownLatch(1);
        TopicPartition raw = new TopicPartition(TopicCatalog.METRICS_RAW, 0);
        long end = admin.listOffsets(Map.of(raw, OffsetSpec.latest()))
                .partitionResult(raw)
                .get()
                .offset();
        try (KafkaStreams streams =
                new KafkaStreams(RollupTopology.build(RollupSettings.of(RetentionPolicy.defaults())), properties)) {
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING");
            }
            long start = System.nanoTime();
            while (true) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(raw);
                if (committed != null && committed.offset() >= end) {
                    return (System.nanoTime() - start) / 1e9;
                }
                Thread.sleep(50);
            }
        }
    }
}
