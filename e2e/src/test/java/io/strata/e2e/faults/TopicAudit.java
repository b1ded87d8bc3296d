package io.strata.e2e.faults;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.deadletter.DeadLetterHeaders;
import io.strata.schemas.serde.AvroSerde;
import io.strata.schemas.serde.AvroSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads whole topics, to say where a problem came from: batches published more than once on the raw topic (same node
 * and sequence: the probe side), and what the dead-letter topic holds, by reason.
 */
final class TopicAudit {

    private final String bootstrapServers;

    TopicAudit(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** The raw topic's records and the (node, sequence) pairs found more than once, with a few positions. */
    record Published(long records, long duplicatedBatches, List<String> examples) {

        @Override
        public String toString() {
            return records + " records on the raw topic, " + duplicatedBatches + " batches published more than once"
                    + (examples.isEmpty() ? "" : " " + examples);
        }
    }

    Published published(String rawTopic) {
        AvroSerde<MetricBatch> serde = AvroSerdes.metricBatch();
        Map<String, String> firstSeen = new HashMap<>();
        List<String> examples = new ArrayList<>();
        long[] counts = new long[2];
        readAll(rawTopic, record -> {
            counts[0]++;
            MetricBatch batch = serde.deserialize(rawTopic, record.value());
            String identity = batch.getNodeId() + " sequence " + batch.getSequence();
            String position = "p" + record.partition() + "@" + record.offset();
            String first = firstSeen.putIfAbsent(identity, position);
            if (first != null) {
                counts[1]++;
                if (examples.size() < 5) {
                    examples.add(identity + " at " + first + " and " + position);
                }
            }
        });
        return new Published(counts[0], counts[1], List.copyOf(examples));
    }

    /** Dead letters by reason ({@code strata.dlt.reason}). */
    Map<String, Long> deadLetters(String deadLetterTopic) {
        Map<String, Long> reasons = new TreeMap<>();
        readAll(deadLetterTopic, record -> {
            Header reason = record.headers().lastHeader(DeadLetterHeaders.REASON);
            String text = reason == null ? "(none)" : new String(reason.value(), StandardCharsets.UTF_8);
            reasons.merge(text, 1L, Long::sum);
        });
        return reasons;
    }

    private void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Only what the writers committed: Streams writes dead letters in transactions.
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            // Under read_committed the end offsets are the last stable offsets: positions reach them.
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(action);
            }
        }
    }
}
