package io.strata.producer.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.embedded.EmbeddedKafka;
import io.strata.embedded.WithEmbeddedKafka;
import io.strata.producer.cli.ProbeCli;
import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.avro.MetricSample;
import io.strata.schemas.avro.NodeInventory;
import io.strata.schemas.serde.AvroSerdes;
import io.strata.schemas.simulate.SimulatedFleet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** {@code strata-probe loadgen} into the shared embedded broker, checked against a recomputation from the seed. */
@WithEmbeddedKafka
class LoadgenIT {

    private static final int NODES = 4;
    private static final int METRICS = 9;
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-01T00:05:00Z"); // 30 ticks
    private static final long SEED = 7;

    @Test
    void shouldPublishExactlyNodesTimesMetricsTimesTicksSamplesWithRecomputableValues(EmbeddedKafka kafka) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String metricsTopic = "it.loadgen.metrics." + run;
        String inventoryTopic = "it.loadgen.inventory." + run;
        kafka.createTopic(metricsTopic, 3);
        kafka.createTopic(inventoryTopic, 1);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = ProbeCli.execute(
                new String[] {
                    "loadgen",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--nodes",
                    String.valueOf(NODES),
                    "--metrics",
                    String.valueOf(METRICS),
                    "--interval",
                    "10s",
                    "--from",
                    FROM.toString(),
                    "--to",
                    TO.toString(),
                    "--seed",
                    String.valueOf(SEED),
                    "-D",
                    "probe.topics.metrics=" + metricsTopic,
                    "-D",
                    "probe.topics.inventory=" + inventoryTopic
                },
                new PrintWriter(out),
                new PrintWriter(err),
                Map.of());

        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(out.toString()).contains("4 nodes x 9 series x 30 ticks = 1080 samples");

        SimulatedFleet fleet = SimulatedFleet.of(SEED, NODES, METRICS, INTERVAL);
        long ticks = fleet.tickCount(FROM, TO);
        List<MetricBatch> batches = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll(kafka, metricsTopic, 3)) {
            MetricBatch batch = AvroSerdes.metricBatch().deserialize(metricsTopic, record.value());
            assertThat(record.key()).isEqualTo(batch.getNodeId());
            batches.add(batch);
        }
        assertThat(batches).hasSize((int) (NODES * ticks));
        assertThat(batches.stream()
                        .mapToLong(batch -> batch.getSamples().size())
                        .sum())
                .isEqualTo(NODES * METRICS * ticks);
        Set<String> seen = new HashSet<>();
        for (MetricBatch batch : batches) {
            int node = Integer.parseInt(
                    batch.getNodeId().substring(batch.getNodeId().lastIndexOf('-') + 1));
            assertThat(batch.getNodeId()).isEqualTo(fleet.nodeId(node));
            assertThat(seen.add(batch.getNodeId() + "@" + batch.getCollectedAt()))
                    .isTrue();
            assertThat(batch).isEqualTo(fleet.batch(node, batch.getCollectedAt(), batch.getSequence()));
            for (int series = 0; series < METRICS; series++) {
                MetricSample sample = batch.getSamples().get(series);
                assertThat(sample.getValue()).isEqualTo(fleet.value(node, series, batch.getCollectedAt()));
            }
            assertThat(batch.getSequence()).isEqualTo(batch.getCollectedAt().toEpochMilli() / INTERVAL.toMillis());
        }

        List<ConsumerRecord<String, byte[]>> inventories = readAll(kafka, inventoryTopic, 1);
        assertThat(inventories).hasSize(NODES);
        for (ConsumerRecord<String, byte[]> record : inventories) {
            NodeInventory inventory = AvroSerdes.nodeInventory().deserialize(inventoryTopic, record.value());
            int node = Integer.parseInt(record.key().substring(record.key().lastIndexOf('-') + 1));
            assertThat(inventory).isEqualTo(fleet.inventory(node));
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(EmbeddedKafka kafka, String topic, int partitions) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "loadgen-it-" + UUID.randomUUID());
        List<TopicPartition> assigned = new ArrayList<>();
        for (int partition = 0; partition < partitions; partition++) {
            assigned.add(new TopicPartition(topic, partition));
        }
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
