package io.strata.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated fleet resumes where it stopped on a restart with the same state: per node, every tick once, also when
 * a run sent more than its last checkpoint says (as after a SIGKILL) and when the checkpoint is lost.
 */
@WithEmbeddedKafka
class SimulatedLoadIT {

    private static final int NODES = 3;
    private static final int METRICS = 2;
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration BACKFILL = Duration.ofSeconds(20);
    private static final Duration PATIENCE = Duration.ofMinutes(1);
    private static final long SEED = 42; // SimulatedLoad's

    @TempDir
    Path stateDir;

    private EmbeddedKafka kafka;
    private String metricsTopic;
    private String inventoryTopic;

    @BeforeEach
    void createTopics(EmbeddedKafka kafka) {
        this.kafka = kafka;
        String run = UUID.randomUUID().toString().substring(0, 8);
        metricsTopic = "it.simulated.metrics." + run;
        inventoryTopic = "it.simulated.inventory." + run;
        kafka.createTopic(metricsTopic, 2);
        kafka.createTopic(inventoryTopic, 1);
    }

    @Test
    void shouldSendEveryTickOfEveryNodeOnceAcrossRestarts() throws Exception {
        SimulatedFleet fleet = SimulatedFleet.of(SEED, NODES, METRICS, INTERVAL);
        SimulatedLoad first = start();
        try {
            await("the backfill sent", first::caughtUp);
        } finally {
            first.close();
        }
        long checkpoint = lastTickInState();
        // A run killed after its last checkpoint had sent two more ticks of nodes 0 and 1.
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (long tick = checkpoint + 1; tick <= checkpoint + 2; tick++) {
                for (int node = 0; node < 2; node++) {
                    MetricBatch batch = fleet.batch(node, Instant.ofEpochMilli(tick * INTERVAL.toMillis()), tick);
                    producer.send(new ProducerRecord<>(
                            metricsTopic,
                            batch.getNodeId(),
                            AvroSerdes.metricBatch().serialize(batch)));
                }
            }
        }

        SimulatedLoad second = start();
        try {
            await("every node past the extra ticks", () -> everyNodeReached(checkpoint + 4));
        } finally {
            second.close();
        }
        // The checkpoint is lost: the fleet reads the whole topic to find where each node stopped.
        long secondLast = lastTickInState();
        Files.delete(stateDir.resolve("state.properties"));
        SimulatedLoad third = start();
        try {
            await("every node past the second run", () -> everyNodeReached(secondLast + 2));
        } finally {
            third.close();
        }

        Map<String, List<Long>> sequences = sequencesByNode();
        assertThat(sequences).hasSize(NODES);
        sequences.forEach((node, sent) -> {
            long from = sent.get(0);
            assertThat(sent)
                    .as("ticks of %s: each once, in order, none missing", node)
                    .containsExactlyElementsOf(LongStream.rangeClosed(from, sent.get(sent.size() - 1))
                            .boxed()
                            .toList());
            assertThat(sent).contains(checkpoint + 2, secondLast + 2);
        });
    }

    private SimulatedLoad start() {
        return SimulatedLoad.start(
                NODES,
                METRICS,
                INTERVAL,
                BACKFILL,
                producer(),
                metricsTopic,
                inventoryTopic,
                stateDir,
                Clock.systemUTC(),
                kafka.clientProperties());
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    private long lastTickInState() throws Exception {
        Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(stateDir.resolve("state.properties"))) {
            state.load(reader);
        }
        return Long.parseLong(state.getProperty("last-tick"));
    }

    private boolean everyNodeReached(long tick) {
        Map<String, List<Long>> sequences = sequencesByNode();
        return sequences.size() == NODES
                && sequences.values().stream().allMatch(sent -> sent.get(sent.size() - 1) >= tick);
    }

    /** Every batch's sequence on the metrics topic, per node, in partition order. */
    private Map<String, List<Long>> sequencesByNode() {
        Map<String, List<Long>> sequences = new TreeMap<>();
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(metricsTopic).stream()
                    .map(info -> new TopicPartition(metricsTopic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    MetricBatch batch = AvroSerdes.metricBatch().deserialize(metricsTopic, record.value());
                    sequences
                            .computeIfAbsent(batch.getNodeId(), node -> new ArrayList<>())
                            .add(batch.getSequence());
                }
            }
        }
        return sequences;
    }

    interface Condition {
        boolean met() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.met()) {
            assertThat(System.nanoTime()).as("%s within %s", what, PATIENCE).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
