package io.strata.local;

import io.strata.schemas.avro.MetricBatch;
import io.strata.schemas.serde.AvroSerde;
import io.strata.schemas.serde.AvroSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest batch sequence per node id on the raw topic, from a point in time (broker append time, which Strata's
 * topics use) to its end: what a restarted simulated fleet already sent, which after a SIGKILL is more than its last
 * checkpoint says. Sending those ticks again would make replays (dropped by the rollups, dead-lettered by the sink).
 */
final class SentSequences {

    private static final Logger LOG = LoggerFactory.getLogger(SentSequences.class);

    private SentSequences() {}

    /**
     * Reads {@code topic} from the first record appended at or after {@code since} (from the beginning when null) to
     * its current end.
     *
     * @throws LocalModeException if the topic cannot be read to its end within {@code timeout}
     */
    static Map<String, Long> read(Map<String, Object> clientProperties, String topic, Instant since, Duration timeout) {
        Objects.requireNonNull(clientProperties, "clientProperties");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(timeout, "timeout");
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned partitions, no group: nothing committed
        AvroSerde<MetricBatch> batches = AvroSerdes.metricBatch();
        Map<String, Long> last = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return last;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> start = since == null
                    ? consumer.beginningOffsets(partitions, timeout)
                    : starts(consumer, partitions, since, end, timeout);
            start.forEach(consumer::seek);
            while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new LocalModeException(
                            "Could not read what the simulated fleet already sent on " + topic + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))
                            || record.value() == null) {
                        continue;
                    }
                    read++;
                    try {
                        MetricBatch batch = batches.deserialize(topic, record.value());
                        last.merge(batch.getNodeId(), batch.getSequence(), Math::max);
                    } catch (RuntimeException e) {
                        // Not a batch (a dead letter's business, not ours): it says nothing about what was sent.
                    }
                }
            }
        } catch (KafkaException e) {
            throw new LocalModeException("Could not read what the simulated fleet already sent on " + topic, e);
        }
        LOG.debug("Read {} records of {} since {}: last sequences of {} nodes", read, topic, since, last.size());
        return last;
    }

    private static Map<TopicPartition, Long> starts(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Instant since,
            Map<TopicPartition, Long> end,
            Duration timeout) {
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since.toEpochMilli()));
        Map<TopicPartition, Long> starts = new HashMap<>();
        consumer.offsetsForTimes(times, timeout)
                .forEach((partition, found) -> starts.put(
                        partition, found == null ? end.get(partition) : found.offset())); // null: nothing since
        return starts;
    }
}
